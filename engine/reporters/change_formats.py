"""`diff` and `plan` in the pipeline formats of `check`: the change as a check's result,
each finding with its state (new, unchanged, resolved), rendered by check's own modules.
SARIF gives each result a baselineState; JUnit skips the unchanged and passes the resolved;
GitHub shows the unchanged as notices; GitLab Code Quality lists what AFTER still has;
reviewdog's rdjson lists what still stands."""

from __future__ import annotations

from collections.abc import Iterable

from wxcc_policy.evaluation.change import ChangeRun, as_run_result
from wxcc_policy.reporters import github as github_format
from wxcc_policy.reporters import gitlab as gitlab_format
from wxcc_policy.reporters import junit as junit_format
from wxcc_policy.reporters import rdjson as rdjson_format
from wxcc_policy.reporters import sarif as sarif_format


def sarif(run: ChangeRun, color: bool = False) -> str:
    return sarif_format.render(as_run_result(run))


def junit(run: ChangeRun, color: bool = False) -> Iterable[str]:
    return junit_format.chunks(as_run_result(run))


def github(run: ChangeRun, color: bool = False) -> Iterable[str]:
    return github_format.chunks(as_run_result(run))


def gitlab(run: ChangeRun, color: bool = False) -> Iterable[str]:
    return gitlab_format.chunks(as_run_result(run))


def rdjson(run: ChangeRun, color: bool = False) -> Iterable[str]:
    return rdjson_format.chunks(as_run_result(run))

"""GitLab Code Quality (`--format gitlab`): the JSON array `artifacts:reports:codequality` reads.

Severities map error → critical, warning → major, info → info; an input that cannot be
parsed, validated or evaluated is a `blocker` (nothing in it was checked). The fingerprint
is a SHA-256 of the path and the finding key, so it is stable across runs and array
reorderings, and GitLab can tell new problems of a merge request from old ones. Waived
findings and findings that no longer occur (fixed, resolved) are left out.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from typing import Any

from wxcc_policy.evaluation.results import RunResult
from wxcc_policy.reporters.json_layout import Streamed, pieces
from wxcc_policy.reporters.locations import relative_path
from wxcc_policy.reporters.problems import Problem, file_problems, fingerprint

SEVERITIES = {"error": "critical", "warning": "major", "info": "info"}
INPUT_ERROR_SEVERITY = "blocker"


def render(run: RunResult, color: bool = False) -> str:
    return "".join(chunks(run))


def chunks(run: RunResult, color: bool = False) -> Iterator[str]:
    yield from pieces(Streamed(issues(run)), inline_from=0)  # one issue per line
    yield "\n"


def as_list(run: RunResult) -> list[dict[str, Any]]:
    return list(issues(run))


def issues(run: RunResult) -> Iterator[dict[str, Any]]:
    # A fingerprint holds the path, so only a path met again (a file named twice) needs the
    # fingerprints seen before: counting per path keeps the memory flat in the number of files.
    repeated = {path for path, n in Counter(relative_path(r.file) for r in run.results).items() if n > 1}
    kept: dict[str, Counter[str]] = {}
    for result in run.results:
        path = relative_path(result.file)
        seen = kept.setdefault(path, Counter()) if path in repeated else Counter()
        for problem in file_problems(result):
            if problem.active:
                yield _issue(problem, path, seen)


def _issue(problem: Problem, path: str, seen: Counter[str]) -> dict[str, Any]:
    print_ = fingerprint(path, problem.identity)
    seen[print_] += 1
    if seen[print_] > 1:  # the same key twice in one file: still one fingerprint each
        print_ = fingerprint(path, problem.identity, str(seen[print_]))
    severity = SEVERITIES[problem.severity] if problem.finding is not None else INPUT_ERROR_SEVERITY
    return {
        "type": "issue",
        "engine_name": "wxcc-policy",
        "check_name": problem.rule,
        "description": problem.message,
        "fingerprint": print_,
        "severity": severity,
        "location": {"path": path, "lines": {"begin": problem.line}},
    }

"""GitLab Code Quality (`--format gitlab`): the JSON array `artifacts:reports:codequality` reads.

Severities map error → critical, warning → major, info → info; an input that cannot be
parsed, validated or evaluated is a `blocker` (nothing in it was checked). The fingerprint
is a SHA-256 of the path and the finding key, so it is stable across runs and array
reorderings, and GitLab can tell new problems of a merge request from old ones. Waived
findings and findings that no longer occur (fixed, resolved) are left out.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

from wxcc_policy.evaluation.results import RunResult
from wxcc_policy.reporters.json_layout import dumps
from wxcc_policy.reporters.locations import relative_path
from wxcc_policy.reporters.problems import Problem, fingerprint, problems

SEVERITIES = {"error": "critical", "warning": "major", "info": "info"}
INPUT_ERROR_SEVERITY = "blocker"


def render(run: RunResult, color: bool = False) -> str:
    return dumps(as_list(run), inline_from=0) + "\n"  # one issue per line


def as_list(run: RunResult) -> list[dict[str, Any]]:
    seen: Counter[str] = Counter()
    issues = []
    for problem in problems(run):
        if problem.active:
            issues.append(_issue(problem, relative_path(problem.file.file), seen))
    return issues


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

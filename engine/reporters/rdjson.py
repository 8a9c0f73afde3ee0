"""reviewdog's diagnostic format (`--format rdjson`): one document of diagnostics, each a
problem of the run with its rule code and, where its finding declares a fix, the fix's text
edits as `suggestions`, which reviewdog shows in a pull request as one-click suggested
changes (`reviewdog -f=rdjson -reporter=github-pr-review`).

Positions follow the format (tests/data/external/reviewdog/DiagnosticResult.json): lines from 1,
columns in UTF-8 bytes from 1, a range's end exclusive. Waived, fixed and resolved findings
are left out: a review comments on what still stands.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from wxcc_policy.evaluation.results import FileResult, RunResult, SourceFix
from wxcc_policy.reporters.json_layout import Streamed, pieces
from wxcc_policy.reporters.locations import relative_path
from wxcc_policy.reporters.problems import Problem, problems
from wxcc_policy.reporters.sarif import INFORMATION_URI
from wxcc_policy.reporters.source_fixes import FileFixes

SEVERITIES = {"error": "ERROR", "warning": "WARNING", "info": "INFO"}


def render(run: RunResult, color: bool = False) -> str:
    return "".join(chunks(run))


def chunks(run: RunResult, color: bool = False) -> Iterator[str]:
    yield from pieces(as_dict(run, streamed=True), inline_from=1)  # one diagnostic per line
    yield "\n"


def as_dict(run: RunResult, streamed: bool = False) -> dict[str, Any]:
    fixes = FileFixes()
    diagnostics = (_diagnostic(p, fixes) for p in problems(run) if p.active)
    return {"source": {"name": run.tool, "url": INFORMATION_URI}, "diagnostics": Streamed(diagnostics) if streamed else list(diagnostics)}


def _diagnostic(problem: Problem, fixes: FileFixes) -> dict[str, Any]:
    start = _position(fixes, problem.file, problem.line, problem.column)
    diagnostic: dict[str, Any] = {
        "message": problem.message,
        "location": {"path": relative_path(problem.file.file), "range": {"start": start}},
        "severity": SEVERITIES[problem.severity],
        "code": {"value": problem.rule},
    }
    fix = fixes.fix(problem)
    if fix is not None:
        diagnostic["suggestions"] = _suggestions(fix, problem.file, fixes)
    return diagnostic


def _suggestions(fix: SourceFix, result: FileResult, fixes: FileFixes) -> list[dict[str, Any]]:
    return [
        {
            "range": {
                "start": _position(fixes, result, e.start_line, e.start_column),
                "end": _position(fixes, result, e.end_line, e.end_column),
            },
            "text": e.text,
        }
        for e in fix.edits
    ]


def _position(fixes: FileFixes, result: FileResult, line: int, column: int) -> dict[str, int]:
    return {"line": max(line, 1), "column": fixes.byte_column(result, max(line, 1), max(column, 1))}

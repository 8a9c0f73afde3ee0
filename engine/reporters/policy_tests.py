"""The report of `wxcc-policy test`: one line per case (PASS/FAIL, what was missing or
unexpected), the untested policies and a summary; or the same as JSON."""

from __future__ import annotations

import json
from typing import Any

from wxcc_policy.evaluation.policy_tests import TestReport


def render_text(report: TestReport) -> str:
    lines = []
    for case in report.cases:
        lines.append(f"{'PASS' if case.passed else 'FAIL'} {case.file}: {case.name}")
        if case.error:
            lines.append(f"    error: {case.error}")
        lines += [f"    missing:    {m}" for m in case.missing]
        lines += [f"    unexpected: {u}" for u in case.unexpected]
    lines += [f"UNTESTED {pid}: no case expects a finding from it" for pid in report.untested]
    passed = sum(c.passed for c in report.cases)
    lines.append(
        f"policy tests: {passed} passed, {len(report.cases) - passed} failed, "
        f"{len(report.untested)} untested polic{'y' if len(report.untested) == 1 else 'ies'}"
    )
    return "\n".join(lines) + "\n"


def render_json(report: TestReport) -> str:
    return json.dumps(_as_json(report), indent=2, ensure_ascii=False) + "\n"


def _as_json(report: TestReport) -> dict[str, Any]:
    passed = sum(c.passed for c in report.cases)
    return {
        "cases": [
            {
                "file": c.file,
                "name": c.name,
                "passed": c.passed,
                "missing": list(c.missing),
                "unexpected": list(c.unexpected),
                "error": c.error,
            }
            for c in report.cases
        ],
        "untested": list(report.untested),
        "summary": {"passed": passed, "failed": len(report.cases) - passed, "untested": len(report.untested)},
    }

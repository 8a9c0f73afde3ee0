"""`diff` and `plan` as JSON (schemas/diff.schema.json)."""

from __future__ import annotations

import json
from typing import Any

from wxcc_policy.evaluation.change import ChangeEntry, ChangeResult, ChangeRun
from wxcc_policy.reporters.json_report import header, input_fields


def as_dict(run: ChangeRun) -> dict[str, Any]:
    return {
        **header(run),
        "gate": run.gate,
        "failOn": run.fail_on,
        "changes": [_change(run, c) for c in run.changes],
        "passed": run.exit_code == 0,
    }


def _change(run: ChangeRun, change: ChangeResult) -> dict[str, Any]:
    return {
        "before": input_fields(change.before),
        "after": input_fields(change.after),
        "change": change.change,
        "errors": list(change.errors),
        "findings": [_entry(e) for e in change.entries],
        "summary": {**change.counts(), "failing": len(change.gated(run.gate, run.fail_on)), "passed": run.passed(change)},
    }


def _entry(entry: ChangeEntry) -> dict[str, Any]:
    f, before = entry.finding, entry.previous
    return {
        "state": f.state,
        "policy": f.policy,
        "severity": f.severity,
        "message": f.message,
        "file": entry.file,
        "pointer": f.pointer,
        "line": f.line,
        "column": f.column,
        "key": f.key,
        "waived": f.waived,
        "previous": None if before is None else {"severity": before.severity, "message": before.message},
        "trigger": entry.trigger,
    }


def render(run: ChangeRun, color: bool = False) -> str:
    return json.dumps(as_dict(run), indent=2, ensure_ascii=False) + "\n"

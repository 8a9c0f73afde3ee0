"""What `fix` writes: the proved operations of one snapshot as a JSON Patch (RFC 6902), or
the same patch in YAML with a comment naming the finding each operation fixes; and the
notes it shows on standard error (left out, choices to make)."""

from __future__ import annotations

import json
from typing import Any

import yaml

from wxcc_policy.evaluation.fixes import FixedFile
from wxcc_policy.evaluation.remedy import as_patch


def render_json(fixed: FixedFile) -> str:
    return json.dumps(as_patch(fixed.operations), indent=2, ensure_ascii=False) + "\n"


def render_yaml(fixed: FixedFile) -> str:
    if not fixed.remedies:
        return "[]\n"
    messages = {f.key: f.message for f in fixed.before.findings}
    lines: list[str] = []
    written: list[Any] = []
    for remedy in fixed.remedies:
        fresh = [op for op in remedy.operations if op not in written]
        written += fresh
        lines.append(f"# fixes {remedy.key}: {messages.get(remedy.key, '')}".rstrip())
        lines += [_yaml_item(op) for op in as_patch(fresh)] or ["# (by the operation above)"]
    return "\n".join(lines) + "\n"


def _yaml_item(operation: dict[str, Any]) -> str:
    text = yaml.safe_dump([operation], sort_keys=False, allow_unicode=True, default_flow_style=False, width=1_000_000)
    return text.rstrip("\n")


def notes(fixed: FixedFile) -> list[str]:
    """One line per remedy not emitted, and per choice left to the user."""
    where = fixed.before.file
    lines = _problems(fixed)
    lines += [f"{where}: no safe fix for {left.key}: {left.reason}" for left in fixed.left_out]
    for remedy in fixed.choices:
        options = ", ".join(json.dumps(c, ensure_ascii=False) for c in remedy.candidates)
        lines.append(f"{where}: {remedy.key} needs a choice, one of {options}: no operation written")
    return lines


def _problems(fixed: FixedFile) -> list[str]:
    """Why a snapshot could not be fixed at all: it cannot be read, fails its schema, or a policy failed on it."""
    result = fixed.before
    located = [e for e in (result.parse_error, result.eval_error) if e is not None]
    lines = [f"{result.file}:{e.line}:{e.column}: {e.message}" for e in located]
    return lines + [f"{result.file}:{e.line}:{e.column}: schema: {e.pointer or '/'}: {e.message}" for e in result.schema_errors]


def summary(files: list[FixedFile]) -> str:
    operations = sum(len(f.operations) for f in files)
    fixed = sum(len(f.remedies) for f in files)
    remaining = sum(len(f.after.findings) for f in files)
    return f"{len(files)} snapshot(s): {operations} operation(s) fix {fixed} finding(s); {remaining} finding(s) remain."

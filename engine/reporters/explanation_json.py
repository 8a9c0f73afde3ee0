"""`explain --format json`: the traced evaluation for tools (schemas/explanation.schema.json).

Nothing is shortened. Each value comes twice: `value`, the JSON value, in which an
element of the snapshot is `{"$pointer": "/users/3"}` (so large values stay small and
tools can find the element), a set is `{"$set": [...]}` and a map keyed by composite
keys is `{"$entries": [[key, value], ...]}`; and `text`, the notation the text output uses.
"""

from __future__ import annotations

import json
from typing import Any

from wxcc_policy import __version__
from wxcc_policy.evaluation.explanation import Explanation
from wxcc_policy.evaluation.remedy import Remedy, as_patch
from wxcc_policy.evaluation.tracer import Binding, Derived
from wxcc_policy.reporters.explanation import (
    TERMS_DOC,
    Layout,
    condition_text,
    layout,
    loop_sources,
    run_uses,
    signature,
    used_names,
)
from wxcc_policy.reporters.notation import notation

EXPLANATION_VERSION = "1"


class _Values:
    """JSON values with snapshot elements replaced by their pointers."""

    def __init__(self, ex: Explanation) -> None:
        self._index = ex.pointers()

    def encode(self, value: Any) -> Any:
        if isinstance(value, (dict, list)):
            pointer = self._index.pointer(value)
            if pointer is not None:
                return {"$pointer": pointer}
        if isinstance(value, dict):
            if all(isinstance(k, str) for k in value):
                return {k: self.encode(v) for k, v in value.items()}
            return {"$entries": [[self.encode(_listed(k)), self.encode(v)] for k, v in value.items()]}
        if isinstance(value, (list, tuple)):
            return [self.encode(v) for v in value]
        if isinstance(value, (set, frozenset)):
            return {"$set": [self.encode(v) for v in sorted(value, key=lambda v: (v.__class__.__name__, notation(v, 2)))]}
        if value is None or isinstance(value, (bool, int, float)):
            return value
        return str(value)

    def shown(self, value: Any) -> dict[str, Any]:
        return {"value": self.encode(value), "text": notation(value)}


def _listed(key: Any) -> Any:
    return list(key) if isinstance(key, tuple) else key


def render_json(ex: Explanation) -> str:
    return json.dumps(as_json(ex), indent=2, ensure_ascii=False) + "\n"


def as_json(ex: Explanation) -> dict[str, Any]:
    plan = layout(ex)
    values = _Values(ex)
    i = ex.policy.info
    return {
        "explanationVersion": EXPLANATION_VERSION,
        "tool": {"name": "wxcc-policy", "version": __version__},
        "terms": TERMS_DOC,
        "policy": {
            "id": i.id,
            "title": i.title,
            "severity": i.severity,
            "condition": condition_text(ex),
            "conditionAt": ex.policy.check_at,
        },
        "snapshot": {"file": ex.file, "subject": ex.subject, "asOf": ex.as_of},
        "findingCount": ex.total,
        "loops": [
            {**source, "examined": count.examined, "selected": count.selected}
            for source, count in zip(loop_sources(ex), ex.tracer.levels, strict=True)
        ],
        "conditionsChecked": ex.tracer.conditions_checked,
        "defines": [_binding(b, values) for b in ex.tracer.defines.bindings],
        "runUses": _ids(run_uses(ex), plan),
        "definitions": [_definition(ex, name) for name in used_names(ex, plan)],
        "derived": [_derived(node, plan, values) for node in _numbered(ex, plan)],
        "findings": [_finding(finding, traced.bindings, traced.condition, traced.uses, plan, values) for finding, traced in ex.findings],
    }


def _numbered(ex: Explanation, plan: Layout) -> list[Derived]:
    nodes = {id(n): n for n in ex.tracer.derived.values()}
    return [nodes[key] for key, _ in sorted(plan.numbers.items(), key=lambda kv: kv[1])]


def _ids(nodes: list[Derived] | tuple[Derived, ...], plan: Layout) -> list[int]:
    return [plan.numbers[id(n)] for n in nodes]


def _binding(b: Binding, values: _Values) -> dict[str, Any]:
    return {"name": b.name, "role": b.role, **values.shown(b.value)}


def _definition(ex: Explanation, name: str) -> dict[str, Any]:
    entry = ex.entries[name]
    return {
        "name": name,
        "kind": entry.kind,
        "signature": signature(entry),
        "description": " ".join(entry.description.split()),
        "definedAt": entry.source,
    }


def _derived(node: Derived, plan: Layout, values: _Values) -> dict[str, Any]:
    args = None if node.args is None else [values.shown(a) for a in node.args]
    return {
        "id": plan.numbers[id(node)],
        "name": node.name,
        "args": args,
        **values.shown(node.value),
        "shared": id(node) in plan.shared_ids,
        "uses": _ids(list(node.parts.values()), plan),
    }


def _finding(
    finding: Any, bindings: tuple[Binding, ...], condition: Any, uses: tuple[Derived, ...], plan: Layout, values: _Values
) -> dict[str, Any]:
    return {
        "key": finding.key,
        "pointer": finding.pointer,
        "line": finding.line,
        "column": finding.column,
        "message": finding.message,
        "bindings": [_binding(b, values) for b in bindings],
        "condition": values.shown(condition),
        "uses": _ids(uses, plan),
        "fix": _fix(finding.remedy),
    }


def _fix(remedy: Remedy | None) -> dict[str, Any] | None:
    """The declared fix: JSON Patch operations, or the candidates of a choice (operations empty)."""
    if remedy is None:
        return None
    return {"operations": as_patch(remedy.operations), "candidates": list(remedy.candidates)}

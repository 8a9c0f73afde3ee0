"""Which library definitions a policy uses, directly or through other definitions, read
from the syntax trees of its expressions and templates (the language's own parser)."""

from __future__ import annotations

from typing import Any

from wxcc_policy.errors import SyntaxProblem
from wxcc_policy.lang import ast
from wxcc_policy.lang.parser import parse_expression
from wxcc_policy.lang.template import parse_template
from wxcc_policy.rules.model import LibraryEntry, Policy

_EXPRESSIONS = ("define", "let")  # sections whose members are expressions
_TEMPLATES = ("field", "key", "message")  # report members that are templates


def library_names(policy: Policy, entries: dict[str, LibraryEntry]) -> list[str]:
    """The names, sorted, of the library `entries` the policy uses."""
    pending = [n for text in _policy_expressions(policy.file.data) for n in _names(text, template=False)]
    pending += [n for text in _policy_templates(policy.file.data) for n in _names(text, template=True)]
    used: set[str] = set()
    while pending:
        name = pending.pop()
        if name in entries and name not in used:
            used.add(name)
            pending += _names(entries[name].expression, template=False)
    return sorted(used)


def _policy_expressions(data: dict[str, Any]) -> list[str]:
    spec = data.get("forEach", [])
    levels = [spec] if isinstance(spec, dict) else spec
    texts = [lv[k] for lv in levels for k in ("in", "where") if k in lv]
    texts += [v for section in _EXPRESSIONS for v in data.get(section, {}).values()]
    report = data["report"]
    return [*texts, data["assert"], report["at"], *report.get("let", {}).values()]


def _policy_templates(data: dict[str, Any]) -> list[str]:
    return [data["report"][k] for k in _TEMPLATES if k in data["report"]]


def _names(text: str, template: bool) -> list[str]:
    try:
        roots = [p[1] for p in parse_template(text) if not isinstance(p, str)] if template else [parse_expression(text)]
    except SyntaxProblem:  # cannot happen for a loaded policy: it compiled
        return []
    names: list[str] = []
    stack: list[ast.Node] = roots
    while stack:
        node = stack.pop()
        if isinstance(node, (ast.Name, ast.Call)):
            names.append(node.name)
        stack.extend(ast.children(node))
    return names

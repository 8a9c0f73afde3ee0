"""Hover: on a finding, its policy's title and rationale and the `explain` summary of that
finding (bindings and the failed condition, traced as `explain` traces them); on a
built-in function or a library value or function named in a policy, its reference entry."""

from __future__ import annotations

import re
from pathlib import Path

from lsprotocol import types

from wxcc_policy.errors import EvalFailure
from wxcc_policy.evaluation.evaluator import evaluate
from wxcc_policy.evaluation.locate import locate_pairs
from wxcc_policy.evaluation.tracer import TracedFinding, Tracer
from wxcc_policy.inputs.documents import Document
from wxcc_policy.lang.builtins import BUILTINS
from wxcc_policy.lang.values import render
from wxcc_policy.lsp.diagnose import Lines, Problem, read_buffer
from wxcc_policy.lsp.workspace import Loaded, Workspace
from wxcc_policy.reporters.notation import notation
from wxcc_policy.rules.model import Policy

_WORD = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


def hover(workspace: Workspace, path: Path, position: types.Position) -> types.Hover | None:
    loaded = workspace.loaded()
    if not isinstance(loaded, Loaded) or path.resolve() not in workspace.buffers:
        return None
    text = workspace.text(path)
    kind = workspace.kind(path, text)
    if kind == "policy":
        return _reference(loaded, text, position)
    found = [p for p in workspace.last.get(path.resolve(), []) if p.data and _contains(p, position)]
    return _finding_hover(loaded, path, text, found[0]) if found else None


def _contains(problem: Problem, position: types.Position) -> bool:
    at = (position.line, position.character)
    return problem.start <= at <= problem.end


def _markdown(text: str) -> types.Hover:
    return types.Hover(contents=types.MarkupContent(kind=types.MarkupKind.Markdown, value=text))


# -- a finding ------------------------------------------------------------------------------


def _finding_hover(loaded: Loaded, path: Path, text: str, problem: Problem) -> types.Hover:
    data = problem.data or {}
    policy = loaded.policies.by_id()[data["policy"]]
    info = policy.info
    parts = [
        f"**{info.id}** ({info.severity}): {info.title}",
        info.rationale,
        f"*Remediation:* {info.remediation}",
        *_explained(loaded, policy, path, text, data["key"]),
        f"`wxcc-policy explain {info.id} {path.name} --key {data['key']}` for the full trace.",
    ]
    return _markdown("\n\n".join(parts))


def _explained(loaded: Loaded, policy: Policy, path: Path, text: str, key: str) -> list[str]:
    """The finding's bindings and failed condition, from one traced evaluation of its policy."""
    document = read_buffer(path, text)
    if not isinstance(document, Document):
        return []
    traced = _trace(loaded, policy, document, key)
    if traced is None:
        return []
    bindings = [f"- `{b.name}` = `{notation(b.value)}`" for b in traced.bindings]
    condition = policy.file.data.get("assert", "")
    return ["*Why:*", "\n".join(bindings) or "(no bindings)", f"Failed condition: `{condition}` → `{notation(traced.condition)}`"]


def _trace(loaded: Loaded, policy: Policy, document: Document, key: str) -> TracedFinding | None:
    params = loaded.settings.parameters[policy.info.id]
    try:
        runtime = loaded.policies.runtime(document.data, loaded.settings.as_of, loaded.settings.limits)
        tracer = Tracer()
        raw = evaluate(policy, runtime, params, tracer)
    except EvalFailure:
        return None
    subject = render(loaded.policies.document.subject(runtime.base))
    traced = {id(t.raw): t for t in tracer.findings}
    return next((traced[id(r)] for finding, r in locate_pairs(document, raw, subject) if finding.key == key), None)


# -- a name in a policy ---------------------------------------------------------------------


def _reference(loaded: Loaded, text: str, position: types.Position) -> types.Hover | None:
    lines = Lines(text)
    if position.line >= len(lines.starts):
        return None
    start = lines.starts[position.line]
    line = text[start : lines.starts[position.line + 1] if position.line + 1 < len(lines.starts) else len(text)]
    column = len(line.encode("utf-16-le")[: position.character * 2].decode("utf-16-le", "replace"))
    word = next((m.group() for m in _WORD.finditer(line) if m.start() <= column <= m.end()), None)
    if word in BUILTINS:
        spec = BUILTINS[word]
        return _markdown(f"`{spec.signature}` → {spec.returns}\n\n{spec.doc}\n\n*Built-in ({spec.category}), docs/policy-language.md*")
    entry = loaded.policies.entries.get(word or "")
    if entry is None:
        return None
    signature = f"{entry.name}({', '.join(entry.params)})" if entry.kind == "function" else entry.name
    return _markdown(
        f"`{signature}`: library {entry.kind}\n\n{entry.description}\n\n```\n{entry.expression}\n```\n\n*Defined at {entry.source}*"
    )

"""`wxcc-policy explain`: a policy's documentation, or why its findings fired.

A snapshot is explained by evaluating the policy once with a tracer
(evaluation/tracer.py) that records bindings, derived values and conditions as the
evaluator runs; reporters/explanation.py lays out what it recorded.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from wxcc_policy.errors import UsageError
from wxcc_policy.evaluation.evaluator import evaluate
from wxcc_policy.evaluation.locate import locate_pairs
from wxcc_policy.evaluation.tracer import Tracer
from wxcc_policy.inputs.sources import STDIN, Document, read_document
from wxcc_policy.lang import ast
from wxcc_policy.lang.budget import Limits
from wxcc_policy.lang.lexer import SyntaxProblem
from wxcc_policy.lang.names import AS_OF
from wxcc_policy.lang.parser import parse_expression
from wxcc_policy.lang.shapes import did_you_mean
from wxcc_policy.lang.template import parse_template
from wxcc_policy.lang.values import render
from wxcc_policy.reporters.explanation import TERMS_DOC, Explanation, render_text, signature
from wxcc_policy.reporters.explanation_json import render_json
from wxcc_policy.rules.model import EvalFailure, Policy
from wxcc_policy.rules.policy_set import DEFAULT_LIMITS, PolicySet
from wxcc_policy.validation.schemas import violations

Params = dict[str, dict[str, Any]]
_TRACED_STACK_FACTOR = 3  # a traced library call takes about 1.5 times the frames of a plain one
RENDERERS = {"text": render_text, "json": render_json}


def _policy(policies: PolicySet, policy_id: str) -> Policy:
    found = policies.by_id().get(policy_id)
    if found is None:
        raise UsageError(f"unknown policy id {policy_id!r}{did_you_mean(policy_id, policies.by_id())}")
    return found


# -- documentation (no snapshot) -----------------------------------------------------------
def explain_policy(policies: PolicySet, policy_id: str, params: Params) -> str:
    policy = _policy(policies, policy_id)
    i = policy.info
    lines = [
        f"{i.id} ({i.severity}): {i.title}",
        "",
        i.description,
        "",
        f"Rationale: {i.rationale}",
        "",
        f"Remediation: {i.remediation}",
        "",
        f"Source: {i.source}",
    ]
    if i.parameters:
        lines += ["", "Parameters:"]
        lines += [
            f"  {p.name} = {json.dumps(params[i.id][p.name])} (default {json.dumps(p.default)}): {p.description}" for p in i.parameters
        ]
    used = library_names(policy, policies)
    if used:
        lines += ["", "Uses these shared definitions:"]
        lines += [f"  {signature(policies.entries[n])}: {' '.join(policies.entries[n].description.split())}" for n in used]
    lines += ["", f"Condition checked: {policy.file.data['assert']}"]
    lines += ["", f"Terms (T, [n], ...): {TERMS_DOC}."]
    return "\n".join(lines) + "\n"


_EXPRESSIONS = ("define", "let")  # sections whose members are expressions
_TEMPLATES = ("field", "key", "message")  # report members that are templates


def library_names(policy: Policy, policies: PolicySet) -> list[str]:
    """The library definitions the policy uses, directly or through other definitions,
    read from the syntax trees of its expressions (the language's own parser)."""
    pending = [n for text in _policy_expressions(policy.file.data) for n in _names(text, template=False)]
    pending += [n for text in _policy_templates(policy.file.data) for n in _names(text, template=True)]
    used: set[str] = set()
    while pending:
        name = pending.pop()
        if name in policies.entries and name not in used:
            used.add(name)
            pending += _names(policies.entries[name].expression, template=False)
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


# -- a snapshot ----------------------------------------------------------------------------
def explain_findings(
    policies: PolicySet,
    policy_id: str,
    params: Params,
    snapshot: Path,
    key: str | None,
    as_of: str | None,
    fmt: str = "text",
    limits: Limits = DEFAULT_LIMITS,
) -> tuple[str, int]:
    policy = _policy(policies, policy_id)
    if snapshot != STDIN and not snapshot.is_file():  # `-`: standard input
        problem = "a directory: explain takes one snapshot file" if snapshot.is_dir() else "no such file"
        raise UsageError(problem, str(snapshot))
    document = read_document(snapshot)
    if not isinstance(document, Document) or violations(policies.document.schema, document.data):
        return f"{snapshot}: the snapshot is not valid; run `wxcc-policy check {snapshot}` first.\n", 1
    explanation = trace(policies, policy, params[policy_id], document, as_of, limits)
    if key is not None:
        chosen = tuple(n for n, pair in enumerate(explanation.findings, 1) if pair[0].key == key)
        if not chosen:
            keys = ", ".join(f.key for f, _ in explanation.findings) or "none"
            return f"No {policy_id} finding has key {key!r}; keys: {keys}.\n", 1
        explanation = explanation.only(chosen)
    return RENDERERS[fmt](explanation), 0


@contextmanager
def _room_for_the_tracer() -> Iterator[None]:
    """The tracer adds stack frames to every library call: a recursion that check went through
    must not run out of stack while traced."""
    limit = sys.getrecursionlimit()
    sys.setrecursionlimit(limit * _TRACED_STACK_FACTOR)
    try:
        yield
    finally:
        sys.setrecursionlimit(limit)


def trace(
    policies: PolicySet, policy: Policy, params: dict[str, Any], document: Document, as_of: str | None, limits: Limits = DEFAULT_LIMITS
) -> Explanation:
    """Evaluate the policy as `check` does, so that explain fails exactly where check fails
    (evaluation budget, recursion depth), then once more with a tracer; locate its findings."""
    try:
        evaluate(policy, policies.runtime(document.data, as_of, limits), params)
        runtime = policies.runtime(document.data, as_of, limits)
        tracer = Tracer()
        with _room_for_the_tracer():
            raw = evaluate(policy, runtime, params, tracer)
    except EvalFailure as exc:
        raise UsageError(f"evaluating {document.path}: {exc.message}", exc.where) from None
    subject = render(policies.document.subject(runtime.base))
    traced = {id(t.raw): t for t in tracer.findings}
    pairs = tuple((finding, traced[id(r)]) for finding, r in locate_pairs(document, raw, subject))
    return Explanation(policy, document.path, subject, str(runtime.base[AS_OF]), tracer, pairs, len(pairs), policies.entries, document.data)

"""`wxcc-policy explain`: a policy's documentation, or why its findings fired.

A finding is explained by evaluating its bindings again through a runtime that
records every library value and function it used, with their results.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from wxcc_policy.errors import UsageError
from wxcc_policy.evaluation.evaluator import RawFinding, evaluate, policy_env
from wxcc_policy.evaluation.locate import locate_pairs
from wxcc_policy.evaluation.results import Finding
from wxcc_policy.inputs.sources import Document, read_document
from wxcc_policy.lang.compiler import RUNTIME_KEY
from wxcc_policy.lang.lexer import SyntaxProblem, tokenize
from wxcc_policy.lang.runtime import Runtime
from wxcc_policy.lang.shapes import did_you_mean
from wxcc_policy.lang.values import render
from wxcc_policy.rules.model import EvalFailure, Policy
from wxcc_policy.rules.policy_set import PolicySet
from wxcc_policy.validation.schemas import violations

Params = dict[str, dict[str, Any]]


def _policy(policies: PolicySet, policy_id: str) -> Policy:
    found = policies.by_id().get(policy_id)
    if found is None:
        raise UsageError(f"unknown policy id {policy_id!r}{did_you_mean(policy_id, policies.by_id())}")
    return found


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
    used = _library_names(policy, policies)
    if used:
        lines += ["", "Uses these shared definitions:"]
        lines += [f"  {_signature(policies, n)}: {policies.entries[n].description.strip()}" for n in used]
    lines += ["", f"Condition checked: {policy.file.data['assert']}"]
    return "\n".join(lines) + "\n"


def _signature(policies: PolicySet, name: str) -> str:
    entry = policies.entries[name]
    return f"{name}({', '.join(entry.params)})" if entry.kind == "function" else name


def _library_names(policy: Policy, policies: PolicySet) -> list[str]:
    names: list[str] = []
    for text in _strings(policy.file.data):
        try:
            tokens = tokenize(text)
        except SyntaxProblem:
            continue
        names += [t.text for t in tokens if t.kind == "NAME" and t.text in policies.entries]
    return sorted(set(names))


def _strings(data: Any) -> list[str]:
    if isinstance(data, str):
        return [data]
    if isinstance(data, dict):
        return [s for v in data.values() for s in _strings(v)]
    if isinstance(data, list):
        return [s for v in data for s in _strings(v)]
    return []


class TracingRuntime(Runtime):
    """Records each library value and function call, nested by depth."""

    def __init__(self, base: dict[str, Any], policies: PolicySet) -> None:
        super().__init__(base, policies.values, policies.functions)
        self.trace: list[tuple[int, str, Any]] = []
        self._depth = 0
        self._seen: set[str] = set()

    def _record(self, label: str, compute: Any) -> Any:
        slot = len(self.trace)
        self.trace.append((self._depth, label, None))
        self._depth += 1
        try:
            result = compute()
        finally:
            self._depth -= 1
        if label in self._seen:
            del self.trace[slot]
        else:
            self._seen.add(label)
            self.trace[slot] = (self._depth, label, result)
        return result

    def value(self, name: str) -> Any:
        return self._record(name, lambda: super(TracingRuntime, self).value(name))

    def call(self, name: str, args: list[Any]) -> Any:
        label = f"{name}({', '.join(brief(a) for a in args)})"
        return self._record(label, lambda: super(TracingRuntime, self).call(name, args))


def brief(value: Any) -> str:
    """Document elements by id; groups by key; long lists shortened."""
    if isinstance(value, dict):
        if "id" in value:
            return str(value["id"])
        if "key" in value and "items" in value:
            return f"group {render(value['key'])} ({len(value['items'])} items)"
        return "{" + ", ".join(f"{k}: {brief(v)}" for k, v in list(value.items())[:6]) + "}"
    if isinstance(value, (list, tuple)):
        shown = ", ".join(brief(v) for v in list(value)[:8])
        return f"[{shown}{', ...' if len(value) > 8 else ''}] ({len(value)})" if len(value) > 8 else f"[{shown}]"
    if isinstance(value, (set, frozenset)):
        return brief(sorted(value, key=str))
    return render(value)


def explain_findings(
    policies: PolicySet, policy_id: str, params: Params, snapshot: Path, key: str | None, as_of: str | None
) -> tuple[str, int]:
    policy = _policy(policies, policy_id)
    if not snapshot.is_file():
        raise UsageError("no such file", str(snapshot))
    document = read_document(snapshot)
    if not isinstance(document, Document) or violations(policies.document.schema, document.data):
        return f"{snapshot}: the snapshot is not valid; run `wxcc-policy check {snapshot}` first.\n", 1
    runtime = policies.runtime(document.data, as_of)
    try:
        raw = evaluate(policy, runtime, params[policy_id])
    except EvalFailure as exc:
        raise UsageError(f"evaluating {snapshot}: {exc.message}", exc.where) from None
    pairs = locate_pairs(document, raw, render(policies.document.subject(runtime.base)))
    header = f"{policy_id} on {snapshot} as of {runtime.base['asOf']}: {len(pairs)} finding(s).\n"
    if key is not None:
        keys = ", ".join(f.key for f, _ in pairs) or "none"
        pairs = [(f, r) for f, r in pairs if f.key == key]
        if not pairs:
            return f"No {policy_id} finding has key {key!r}; keys: {keys}.\n", 1
    if not pairs:
        return header + _why_none(policy, runtime, params[policy_id]), 0
    return header + "\n".join(_explain_one(policy, policies, runtime, f, r) for f, r in pairs), 0


def _explain_one(policy: Policy, policies: PolicySet, runtime: Runtime, finding: Finding, raw: RawFinding) -> str:
    base = {k: v for k, v in runtime.base.items() if k != RUNTIME_KEY}
    tracer = TracingRuntime(base, policies)
    env = dict(raw.env)
    env[RUNTIME_KEY] = tracer
    for name, fn in policy.defines:
        env[name] = fn(env)
    for name, fn in (*policy.lets, *policy.report.lets):
        env[name] = fn(env)
    outcome = policy.check(env)
    lines = [
        "",
        f"{finding.pointer} (line {finding.line}, column {finding.column}), key {finding.key}",
        f"  {finding.message}",
        "  Bindings:",
    ]
    names = [loop.name for loop in policy.loops] + [n for n, _ in (*policy.defines, *policy.lets, *policy.report.lets)]
    lines += [f"    {n} = {brief(env[n])}" for n in names]
    lines.append("  Derived values used:")
    described: set[str] = set()
    for depth, label, value in tracer.trace:
        lines.append(f"    {'  ' * depth}{label} = {brief(value)}{_describe(policies, label, described)}")
    lines.append(f"  Failed condition: {policy.file.data['assert']}  →  {render(outcome)}")
    return "\n".join(lines) + "\n"


def _describe(policies: PolicySet, label: str, described: set[str]) -> str:
    """A definition's description, the first time it appears."""
    name = label.split("(")[0]
    entry = policies.entries.get(name)
    if entry is None or name in described:
        return ""
    described.add(name)
    return f"  ({' '.join(entry.description.split())})"


def _why_none(policy: Policy, runtime: Runtime, params: dict[str, Any]) -> str:
    env = policy_env(policy, runtime, params)
    condition = policy.file.data["assert"]
    if not policy.loops:
        return f"No finding: the condition `{condition}` holds.\n"
    loop = policy.loops[0]
    items = list(loop.items(env) or ())
    kept = 0
    for item in items:
        env[loop.name] = item
        kept += 1 if loop.where is None or loop.where(env) else 0
    where = f", {kept} of them selected by `where`" if loop.where else ""
    return f"No finding: {len(items)} {loop.name} element(s) examined{where}; the condition `{condition}` held for every one.\n"

"""`explain` output: a policy's documentation, and what the evaluator's tracer recorded
(evaluation/explanation.py), laid out for people (explanation_json.py: for tools).

Each derived value is shown once per run. Those used by several findings (or by the
policy's `define`s, or its outer loop's `in`) are listed first, numbered `#n`; a finding refers to them by
number, and shows inline only the derived values no other finding used. Terms (T,
`#n`, `[n]`, the notation) are defined in docs/explain.md.
"""

from __future__ import annotations

import json
from typing import Any, NamedTuple

from wxcc_policy.evaluation.explanation import Explanation
from wxcc_policy.evaluation.results import Finding
from wxcc_policy.evaluation.tracer import Binding, Derived, TracedFinding
from wxcc_policy.reporters.notation import notation
from wxcc_policy.rules.library_use import library_names
from wxcc_policy.rules.model import LibraryEntry, Policy

TERMS_DOC = "docs/explain.md"
MAX_PARTS_SHOWN = 50  # derived values listed under one derived value in text; JSON lists all


class Layout(NamedTuple):
    """Which derived values are shown where, numbered in the order they are shown."""

    numbers: dict[int, int]  # id(node) → its number
    shared: tuple[Derived, ...]  # roots of the trees shown once in the "Derived values" section
    shared_ids: frozenset[int]  # every derived value in those trees
    local: dict[int, tuple[Derived, ...]]  # finding index → derived values only it used


def layout(ex: Explanation) -> Layout:
    owners = _owners(ex)
    numbers: dict[int, int] = {}

    def number_tree(root: Derived) -> None:
        for node in _preorder([root]):
            numbers.setdefault(id(node), len(numbers) + 1)

    shared: list[Derived] = []
    roots = [*run_uses(ex), *(n for _, t in ex.findings for n in t.uses)]
    for node in _preorder(roots):
        if owners[id(node)] is _SHARED and id(node) not in numbers:
            shared.append(node)  # the root of a tree of shared values (all below it are shared too)
            number_tree(node)
    shared_ids = frozenset(numbers)
    local: dict[int, tuple[Derived, ...]] = {}
    for index, (_, traced) in enumerate(ex.findings):
        local[index] = tuple(n for n in traced.uses if owners[id(n)] == index)
        for node in local[index]:
            number_tree(node)
    return Layout(numbers, tuple(shared), shared_ids, local)


_SHARED: Any = "shared"


def _owners(ex: Explanation) -> dict[int, Any]:
    """For each derived value shown: the one finding (its index) that used it, or _SHARED."""
    owners: dict[int, Any] = {}
    starts: list[tuple[Any, list[Derived]]] = [(_SHARED, run_uses(ex))]
    starts += [(i, list(t.uses)) for i, (_, t) in enumerate(ex.findings)]
    for owner, roots in starts:
        for node in _preorder(roots):
            known = owners.get(id(node))
            owners[id(node)] = owner if known is None or known == owner else _SHARED
    return owners


def run_uses(ex: Explanation) -> list[Derived]:
    """Derived values used once for the whole run: by the defines, the outer loop's `in`,
    or the condition of a policy without loops."""
    return list({**ex.tracer.defines.uses, **ex.tracer.main.uses}.values())


def _preorder(roots: list[Derived]) -> list[Derived]:
    """Nodes reachable from `roots`, each once, depth first (the order they are shown in)."""
    seen: set[int] = set()
    out: list[Derived] = []
    stack = list(reversed(roots))
    while stack:
        node = stack.pop()
        if id(node) in seen:
            continue
        seen.add(id(node))
        out.append(node)
        stack.extend(reversed(node.parts.values()))
    return out


def label(node: Derived) -> str:
    if node.args is None:
        return node.name
    return f"{node.name}({', '.join(notation(a, 1) for a in node.args)})"


# -- text -----------------------------------------------------------------------------------
def render_text(ex: Explanation) -> str:
    plan = layout(ex)
    lines = _header(ex)
    lines += _loops(ex)
    lines += _defines(ex, plan)
    lines += _definitions(ex, plan)
    if plan.shared:
        lines += ["", "Derived values (each computed once for this run; findings refer to them by number):"]
        printed: set[int] = set()
        for node in plan.shared:
            lines += _tree(node, plan, printed, 1)
    if not ex.findings:
        lines += ["", _why_none(ex)]
    for index, (finding, traced) in enumerate(ex.findings):
        lines += _finding(ex, plan, index, finding, traced)
    return "\n".join(lines) + "\n"


def _header(ex: Explanation) -> list[str]:
    i = ex.policy.info
    count = f"{ex.total} finding{'' if ex.total == 1 else 's'}"
    shown = f", {len(ex.findings)} shown" if len(ex.findings) != ex.total else ""
    return [
        f"{i.id} ({i.severity}): {i.title}",
        f"Snapshot {ex.file} (subject {ex.subject}), evaluated as of T = {ex.as_of}: {count}{shown}.",
        "Terms: T = the evaluation date (--as-of, else the snapshot's own date); #n = a derived value of this run; "
        "[n] = point n of the source article.",
        f"Values are in the policy language's notation; a shortened one ends with … and its full size. See {TERMS_DOC}.",
    ]


def condition_text(ex: Explanation) -> str:
    return " ".join(str(ex.policy.file.data["assert"]).split())


def loop_sources(ex: Explanation) -> list[dict[str, Any]]:
    spec = ex.policy.file.data.get("forEach", [])
    levels = [spec] if isinstance(spec, dict) else spec
    return [{"name": lv["as"], "in": " ".join(str(lv["in"]).split()), "where": lv.get("where")} for lv in levels]


def _loops(ex: Explanation) -> list[str]:
    lines = ["", f"Condition ({ex.policy.check_at}): {condition_text(ex)}"]
    for number, (source, count) in enumerate(zip(loop_sources(ex), ex.tracer.levels, strict=True), 1):
        where = f", {count.selected:,} selected by where {' '.join(str(source['where']).split())}" if source["where"] else ""
        lines.append(f"  forEach level {number}: {source['name']} in {source['in']}: {count.examined:,} examined{where}")
    checked = ex.tracer.conditions_checked
    lines.append(f"  The condition was checked {checked:,} time{'' if checked == 1 else 's'} and failed {ex.total:,}.")
    return lines


def _defines(ex: Explanation, plan: Layout) -> list[str]:
    bindings = ex.tracer.defines.bindings
    if not bindings:
        return []
    uses = _refs(list(ex.tracer.defines.uses.values()), plan)
    lines = ["", "Defined once for the run (define):"]
    lines += [f"  {b.name} = {notation(b.value)}" for b in bindings]
    return [*lines, f"  using {uses}"] if uses else lines


def used_names(ex: Explanation, plan: Layout) -> list[str]:
    names: dict[str, None] = {}
    for node in _shown_nodes(ex, plan):
        names.setdefault(node.name)
    return [n for n in names if n in ex.entries]


def _shown_nodes(ex: Explanation, plan: Layout) -> list[Derived]:
    roots = [*plan.shared, *(n for nodes in plan.local.values() for n in nodes)]
    return _preorder(roots)


def _definitions(ex: Explanation, plan: Layout) -> list[str]:
    names = used_names(ex, plan)
    if not names:
        return []
    lines = ["", "Shared definitions used (from the loaded libraries):"]
    return lines + [f"  {signature(ex.entries[n])}: {' '.join(ex.entries[n].description.split())}" for n in names]


def signature(entry: LibraryEntry) -> str:
    return f"{entry.name}({', '.join(entry.params)})" if entry.kind == "function" else entry.name


def _tree(node: Derived, plan: Layout, printed: set[int], depth: int) -> list[str]:
    """A derived value and, indented below it, the ones it used; those already shown are
    referred to by number on its line, "(uses #3 to #52)"."""
    pad = "  " + "   " * (depth - 1)
    number = plan.numbers[id(node)]
    printed.add(id(node))
    parts = list(node.parts.values())
    shown = parts if len(parts) <= MAX_PARTS_SHOWN + 10 else parts[:MAX_PARTS_SHOWN]
    before = [plan.numbers[id(p)] for p in shown if id(p) in printed]
    also = f"  (uses {_ranges(before)})" if before else ""
    lines = [f"{pad}#{number} {label(node)} = {notation(node.value)}{also}"]
    for part in shown:
        if id(part) not in printed:
            lines += _tree(part, plan, printed, depth + 1)
    if len(shown) < len(parts):
        rest = len(parts) - len(shown)
        lines.append(f"{pad}   … and {rest:,} more derived values used by #{number} ({len(parts):,} in all; --format json lists them)")
    return lines


def _ranges(numbers: list[int]) -> str:
    """#3, #5 to #52: runs of consecutive numbers as ranges."""
    runs: list[list[int]] = []
    for n in numbers:
        if runs and n == runs[-1][-1] + 1:
            runs[-1].append(n)
        else:
            runs.append([n])
    return ", ".join(f"#{r[0]} to #{r[-1]}" if len(r) > 2 else ", ".join(f"#{n}" for n in r) for r in runs)


def _refs(nodes: list[Derived], plan: Layout) -> str:
    return ", ".join(f"#{plan.numbers[id(n)]} {label(n)}" for n in nodes)


def _finding(ex: Explanation, plan: Layout, index: int, finding: Finding, traced: TracedFinding) -> list[str]:
    lines = [
        "",
        f"Finding {ex.position(index)} of {ex.total}: {finding.pointer} (line {finding.line}, column {finding.column}), key {finding.key}",
        f"  {finding.message}",
        "  Bindings:" if traced.bindings else "  Bindings: none (the policy has no forEach, let or report.let)",
    ]
    lines += [f"    {_binding(b)}" for b in traced.bindings]
    lines.append(f"  Failed condition: {condition_text(ex)}  →  {notation(traced.condition)}")
    lines += fix_lines(ex, finding)
    shared = [n for n in traced.uses if id(n) not in {id(m) for m in plan.local[index]}]
    if shared:
        lines.append(f"  Uses: {_refs(shared, plan)}")
    printed = set(plan.shared_ids)
    if plan.local[index]:
        lines.append("  Derived values only this finding used:")
    for node in plan.local[index]:
        lines += _tree(node, plan, printed, 2)
    return lines


def fix_lines(ex: Explanation, finding: Finding) -> list[str]:
    """The finding's declared fix (`wxcc-policy fix` proves it before writing it)."""
    remedy = finding.remedy
    if ex.policy.report.fix is None:
        return ["  Fix: none declared (the policy has no fix:)"]
    if remedy is None:
        return ["  Fix: none for this finding (the fix's when does not hold, or no candidate)"]
    if remedy.needs_choice:
        return [f"  Fix: a choice the tool does not make, one of {', '.join(notation(c) for c in remedy.candidates)}"]
    lines = ["  Fix (declared; `wxcc-policy fix` writes it once proved):"]
    for op in remedy.operations:
        value = "" if op.op == "remove" else f" with {notation(op.value)}" if op.op == "replace" else f" {notation(op.value)}"
        lines.append(f"    {op.op} {op.path or '/'}{value}")
    return lines


_ROLES = {"loop": "forEach", "let": "let", "report": "report.let", "define": "define"}


def _binding(b: Binding) -> str:
    return f"{b.name} = {notation(b.value)}  ({_ROLES[b.role]})"


def _why_none(ex: Explanation) -> str:
    condition = condition_text(ex)
    checked = ex.tracer.conditions_checked
    if not ex.policy.loops:
        return f"No finding: the condition {condition} holds ({notation(ex.tracer.last_condition)})."
    levels = ex.tracer.levels
    if checked == 0:
        level = next((i for i, c in enumerate(levels) if c.selected == 0), len(levels) - 1)
        count = levels[level]
        outer = f" for any of the {levels[level - 1].selected:,} elements selected at level {level}" if level else ""
        why = "had no element" if count.examined == 0 else f"examined {count.examined:,} elements and its where selected none"
        return f"No finding: forEach level {level + 1} ({count.name}) {why}{outer}, so the condition was never checked."
    return f"No finding: the condition {condition} held for every one of the {checked:,} elements selected."


def render_policy(policy: Policy, params: dict[str, Any], entries: dict[str, LibraryEntry]) -> str:
    """A policy's documentation (`explain ID`): its texts, parameters with their values, the
    library definitions it uses and its condition."""
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
        lines += [f"  {p.name} = {json.dumps(params[p.name])} (default {json.dumps(p.default)}): {p.description}" for p in i.parameters]
    used = library_names(policy, entries)
    if used:
        lines += ["", "Uses these shared definitions:"]
        lines += [f"  {signature(entries[n])}: {' '.join(entries[n].description.split())}" for n in used]
    lines += ["", f"Condition checked: {policy.file.data['assert']}"]
    lines += ["", f"Terms (T, [n], ...): {TERMS_DOC}."]
    return "\n".join(lines) + "\n"

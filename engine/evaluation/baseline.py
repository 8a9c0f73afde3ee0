"""Baselines: the known findings of a portfolio, so that a gate fails on new ones only.

A baseline records findings by `key` (which does not depend on array order), with the
policy, tenant, pointer and a digest of the message for the reader. `compare` marks each
finding of a run `existing` (in the baseline: does not fail the run) or `new`, and
reports baseline entries that no longer occur as `fixed`, so the file can shrink.
"""

from __future__ import annotations

import hashlib
import json
from collections import Counter
from collections.abc import Collection
from pathlib import Path
from typing import NamedTuple

from wxcc_policy.errors import UsageError, not_found
from wxcc_policy.evaluation.results import FileResult, FileResults, Finding, Notice, RunResult
from wxcc_policy.inputs.documents import ParseFailure, read_document
from wxcc_policy.validation.schemas import violations

BASELINE_VERSION = "1"


class BaselineEntry(NamedTuple):
    key: str
    policy: str
    tenant: str | None
    pointer: str
    message: str  # "sha256:" and the first 16 hex digits of the message's SHA-256
    where: str = ""  # file:line:column of the entry, when read from a file (never written)


class Baseline(NamedTuple):
    path: str
    entries: tuple[BaselineEntry, ...]


class Comparison(NamedTuple):
    run: RunResult  # findings with their state, and a notice per fixed entry
    matched: tuple[BaselineEntry, ...]  # entries still occurring
    fixed: tuple[BaselineEntry, ...]  # entries the run could have found and did not
    unjudged: tuple[BaselineEntry, ...]  # entries of tenants or policies the run did not evaluate


def message_digest(message: str) -> str:
    return "sha256:" + hashlib.sha256(message.encode("utf-8")).hexdigest()[:16]


def entry_of(finding: Finding, tenant: str | None) -> BaselineEntry:
    return BaselineEntry(finding.key, finding.policy, tenant, finding.pointer, message_digest(finding.message))


def recorded(run: RunResult) -> list[BaselineEntry]:
    """The entries a baseline of this run records: every unwaived finding. Waived findings
    stay out, or a baseline would outlive the waiver's expiry."""
    return [entry_of(f, r.tenant) for r in run.results for f in r.findings if not f.waived]


def render_baseline(entries: Collection[BaselineEntry]) -> str:
    """Sorted, one finding per line: a change to the baseline is a readable diff."""
    rows = sorted({e._replace(where="") for e in entries}, key=lambda e: (e.key, e.message, e.pointer, e.tenant or ""))
    lines = [json.dumps({f: getattr(e, f) for f in ("key", "policy", "tenant", "pointer", "message")}, ensure_ascii=False) for e in rows]
    body = ",\n".join(f"    {line}" for line in lines)
    findings = f"[\n{body}\n  ]" if lines else "[]"
    return f'{{\n  "version": "{BASELINE_VERSION}",\n  "findings": {findings}\n}}\n'


def load_baseline(path: Path, shown: str | None = None) -> Baseline:
    shown = shown or str(path)
    if not path.is_file():
        raise not_found("baseline file", shown)
    try:
        document = read_document(path, shown)
    except OSError as exc:
        raise UsageError(f"cannot read: {exc.strerror}", shown) from None
    if isinstance(document, ParseFailure):
        raise UsageError(document.message, f"{shown}:{document.line}:{document.column}")
    problems = violations("baseline", document.data)
    if problems:
        first = problems[0]
        at = document.positions([first.pointer])[first.pointer]
        field = f" (at {first.pointer})" if first.pointer else ""
        raise UsageError(f"{first.message}{field}", f"{shown}:{at.line}:{at.column}")
    items = document.data["findings"]
    positions = document.positions([f"/findings/{i}" for i in range(len(items))])
    entries = tuple(
        BaselineEntry(**item, where=f"{shown}:{positions[f'/findings/{i}'].line}:{positions[f'/findings/{i}'].column}")
        for i, item in enumerate(items)
    )
    return Baseline(shown, entries)


def compare(run: RunResult, baseline: Baseline, policy_ids: Collection[str]) -> Comparison:
    """Each finding `existing` or `new`; entries that no longer occur `fixed` (a notice each),
    judged only where the run evaluated the entry's policy on the entry's tenant."""
    existing, matched, left = _pair(run, baseline.entries)
    results = FileResults(_with_states(i, r, existing) for i, r in enumerate(run.results))
    tenants = {r.tenant for r in run.results if r.as_of is not None and not r.invalid}
    judged = [e.policy in policy_ids and e.tenant in tenants for e in left]
    fixed = tuple(e for e, j in zip(left, judged, strict=True) if j)
    unjudged = tuple(e for e, j in zip(left, judged, strict=True) if not j)
    notices = tuple(_fixed_notice(e, baseline.path) for e in sorted(fixed, key=lambda e: (e.key, e.message)))
    compared = run._replace(results=results, notices=(*run.notices, *notices), baseline=baseline.path)
    return Comparison(compared, tuple(matched), fixed, unjudged)


def _pair(run: RunResult, entries: tuple[BaselineEntry, ...]) -> tuple[set[tuple[int, int]], list[BaselineEntry], list[BaselineEntry]]:
    """Findings (file index, finding index) paired with an entry of their key, the entries
    paired, and the entries left over. Same key and same message pair first, so that a key
    that repeats (in one file, or in two copies of a tenant) pairs with its own entries."""
    pool: dict[str, list[BaselineEntry]] = {}
    for entry in entries:
        pool.setdefault(entry.key, []).append(entry)
    existing: set[tuple[int, int]] = set()
    matched: list[BaselineEntry] = []
    for same_message in (True, False):  # a pass over the results each (they may be on disk)
        for i, j, f in ((i, j, f) for i, r in enumerate(run.results) for j, f in enumerate(r.findings)):
            candidates = pool.get(f.key)
            if (i, j) in existing or not candidates:
                continue
            digest = message_digest(f.message)
            found = next((e for e in candidates if e.message == digest or not same_message), None)
            if found is not None:
                candidates.remove(found)
                existing.add((i, j))
                matched.append(found)
    return existing, matched, [e for left in pool.values() for e in left]


def _with_states(i: int, result: FileResult, existing: set[tuple[int, int]]) -> FileResult:
    if not result.findings:
        return result
    findings = tuple(f._replace(state="existing" if (i, j) in existing else "new") for j, f in enumerate(result.findings))
    return result._replace(findings=findings)


def _fixed_notice(entry: BaselineEntry, path: str) -> Notice:
    message = f"baseline entry {entry.key} no longer occurs: fixed; `wxcc-policy baseline --update -o {path}` over the same inputs drops it"
    return Notice("info", message, entry.where, "baseline-fixed", entry.key)


def baseline_counts(run: RunResult) -> dict[str, int] | None:
    """New and existing unwaived findings, and fixed entries; None when no baseline was given.
    (Waived findings are counted as waived, whatever their state.)"""
    if run.baseline is None:
        return None
    states = Counter(f.state for r in run.results for f in r.findings if not f.waived)
    fixed = sum(1 for n in run.notices if n.kind == "baseline-fixed")
    return {"new": states["new"], "existing": states["existing"], "fixed": fixed}


def updated_entries(comparison: Comparison, accept_new: bool) -> tuple[list[BaselineEntry], list[BaselineEntry]]:
    """The entries of the rewritten baseline, and the new findings it would add.

    Entries still occurring are refreshed from their finding (its pointer may have moved);
    fixed ones are dropped; entries the run could not judge are kept as they were. New
    findings join only when accepted."""
    current = recorded(comparison.run)
    states = [f.state for r in comparison.run.results for f in r.findings if not f.waived]
    kept = [e for e, state in zip(current, states, strict=True) if state == "existing"]
    new = [e for e, state in zip(current, states, strict=True) if state == "new"]
    entries = [*kept, *comparison.unjudged, *(new if accept_new else [])]
    return entries, new

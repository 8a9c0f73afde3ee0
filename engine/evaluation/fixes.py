"""`fix`: the remedies of a document's findings, proved before they are emitted.

The declared operations (evaluation/remedy.py) are applied in memory and the document is
checked again. An operation is emitted only when its finding is gone and the change adds
no finding at any severity; one that would add a finding is left out and reported, and of
two remedies that write one value differently only the first (in report order) is kept.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import NamedTuple

from wxcc_policy.evaluation.change import in_memory
from wxcc_policy.evaluation.pipeline import CheckSettings, check_document
from wxcc_policy.evaluation.remedy import Operation, Remedy, applied
from wxcc_policy.evaluation.results import SEVERITY_RANK, FileResult, Finding
from wxcc_policy.inputs.discovery import discover
from wxcc_policy.inputs.documents import Document, ParseFailure, read_document
from wxcc_policy.rules.policy_set import PolicySet


class LeftOut(NamedTuple):
    """A remedy not emitted, and why ("it would add POLICY-ID …", "it conflicts with …")."""

    key: str
    reason: str


class FixedFile(NamedTuple):
    before: FileResult
    after: FileResult  # the document checked with the emitted operations applied
    remedies: tuple[Remedy, ...]  # emitted, each with its operations, in report order
    left_out: tuple[LeftOut, ...] = ()
    choices: tuple[Remedy, ...] = ()  # remedies that name candidates instead of operations

    @property
    def operations(self) -> tuple[Operation, ...]:
        """Each emitted operation once (two findings may share one)."""
        out: list[Operation] = []
        for op in (op for r in self.remedies for op in r.operations):
            if op not in out:  # values may be objects: compared, not hashed
                out.append(op)
        return tuple(out)


def fix_document(document: Document | ParseFailure, settings: CheckSettings, policies: PolicySet) -> FixedFile:
    before = check_document(document, settings, policies)
    if not isinstance(document, Document) or before.invalid:
        return FixedFile(before, before, ())
    declared = [f.remedy for f in before.findings if f.remedy is not None]
    kept, conflicts = without_conflicts(r for r in declared if r.operations)
    on_date = settings._replace(as_of=settings.as_of or before.as_of)
    proof = _Proof(document, before, on_date, policies)
    emitted, unsafe = proof.safe(kept)
    choices = tuple(r for r in declared if r.needs_choice)
    after = proof.check(emitted) if emitted else before
    return FixedFile(before, after, tuple(emitted), (*conflicts, *unsafe), choices)


def without_conflicts(remedies: Iterable[Remedy]) -> tuple[list[Remedy], list[LeftOut]]:
    """The first remedy to write a value wins; a later one that writes it (or a value
    inside or around it) differently is left out. The same operation twice is no conflict."""
    written: dict[str, tuple[Operation, str]] = {}
    kept, left = [], []
    for remedy in remedies:
        clash = next((c for op in remedy.operations if (c := _clash(written, op))), None)
        if clash is not None:
            left.append(LeftOut(remedy.key, f"it conflicts with the fix of {clash[1]} on {clash[0].path or '/'}"))
            continue
        kept.append(remedy)
        written.update((op.path, (op, remedy.key)) for op in remedy.operations)
    return kept, left


def _clash(written: dict[str, tuple[Operation, str]], op: Operation) -> tuple[Operation, str] | None:
    for path, (other, key) in written.items():
        related = path == op.path or path.startswith(op.path + "/") or op.path.startswith(path + "/")
        if related and other != op:
            return other, key
    return None


class _Proof:
    """Re-checks of the document with remedies applied, in memory."""

    def __init__(self, document: Document, before: FileResult, settings: CheckSettings, policies: PolicySet) -> None:
        self.document, self.settings, self.policies = document, settings, policies
        self.known = {f.key for f in before.findings}
        self._last: tuple[tuple[int, ...], FileResult] | None = None  # the proof's last re-check, reused for the result

    def check(self, remedies: Sequence[Remedy]) -> FileResult:
        ids = tuple(id(r) for r in remedies)
        if self._last is not None and self._last[0] == ids:
            return self._last[1]
        operations = [op for r in remedies for op in r.operations]
        patched = in_memory(self.document.path, applied(self.document.data, operations))
        result = check_document(patched, self.settings, self.policies)
        self._last = (ids, result)
        return result

    def safe(self, remedies: list[Remedy]) -> tuple[list[Remedy], list[LeftOut]]:
        """All together when they pass together (one re-check); else each alone, then the
        passing ones together again, until what is left passes."""
        left: list[LeftOut] = []
        while remedies:
            problem = self._problem(remedies)
            if problem is None:
                return remedies, left
            alone = [(r, self._problem([r])) for r in remedies]
            bad = [(r, p) for r, p in alone if p is not None] or [(remedies[-1], problem)]
            left += [LeftOut(r.key, p) for r, p in bad]
            dropped = {id(r) for r, _ in bad}
            remedies = [r for r in remedies if id(r) not in dropped]
        return remedies, left

    def _problem(self, remedies: Sequence[Remedy]) -> str | None:
        try:
            after = self.check(remedies)
        except ValueError as exc:
            return f"it cannot be applied ({exc})"
        if after.invalid:
            return "the fixed snapshot would not be valid: " + _invalid(after)
        added = [f for f in after.findings if f.key not in self.known]
        if added:
            return "it would add " + _named(added)
        keys = {f.key for f in after.findings}
        remaining = [r.key for r in remedies if r.key in keys]
        return f"it would not resolve {remaining[0]}" if remaining else None


def _named(findings: Sequence[Finding]) -> str:
    first = findings[0]
    more = f" and {len(findings) - 1} more" if len(findings) > 1 else ""
    return f"{first.policy} ({first.key}: {first.message}){more}"


def _invalid(result: FileResult) -> str:
    if result.schema_errors:
        e = result.schema_errors[0]
        return f"{e.pointer or '/'}: {e.message}"
    failure = result.eval_error or result.parse_error
    return failure.message if failure else "invalid"


def fix_files(paths: Sequence[str], settings: CheckSettings, policies: PolicySet) -> list[tuple[Path, FixedFile]]:
    """Each snapshot named or found under a directory named, with its proved remedies."""
    return [(path, fix_document(read_document(path, shown), settings, policies)) for path, shown in discover(paths)]


def fix_exit_code(files: Iterable[FixedFile], fail_on: str) -> int:
    """2 when a policy failed on a snapshot; 1 when one is invalid or findings at or above
    `fail_on` remain once the fixes are applied; else 0."""
    results = [f.after for f in files]
    if any(r.eval_error is not None for r in results):
        return 2
    threshold = SEVERITY_RANK[fail_on]
    failing = any(r.invalid or any(f.counts and SEVERITY_RANK[f.severity] >= threshold for f in r.findings) for r in results)
    return 1 if failing else 0

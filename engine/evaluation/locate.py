"""Locating findings: from the document element a finding is about to its pointer, line and column."""

from __future__ import annotations

from wxcc_policy.errors import EvalFailure
from wxcc_policy.evaluation.raw_findings import RawFinding, RawFix
from wxcc_policy.evaluation.remedy import Operation, Remedy
from wxcc_policy.evaluation.results import Finding
from wxcc_policy.inputs.documents import Document
from wxcc_policy.inputs.pointers import PointerIndex, split_pointer
from wxcc_policy.rules.model import PolicyInfo


def locate(document: Document, raw: list[RawFinding], subject: str) -> tuple[Finding, ...]:
    return tuple(finding for finding, _ in locate_pairs(document, raw, subject))


def locate_pairs(document: Document, raw: list[RawFinding], subject: str) -> list[tuple[Finding, RawFinding]]:
    """Each finding located, beside the raw finding it came from, in report order."""
    index = PointerIndex(document.data)
    pointers = [_pointer(index, f) for f in raw]
    positions = document.positions(pointers)
    rows = []
    for f, ptr in zip(raw, pointers, strict=True):
        at = positions[ptr]
        key = f"{f.policy.id}:{subject}:{f.entity}"
        remedy = _remedy(index, f, key) if f.fix is not None else None
        finding = Finding(f.policy.id, f.policy.severity, f.message, ptr, at.line, at.column, key, impact=f.impact, remedy=remedy)
        rows.append(((at.offset, _pointer_order(ptr), f.policy.id, f.message), finding, f))
    rows.sort(key=lambda row: row[0])
    return [(finding, f) for _, finding, f in rows]


def _pointer(index: PointerIndex, finding: RawFinding) -> str:
    return _element_pointer(index, finding.policy, finding.target, finding.field, "report.at")


def _element_pointer(index: PointerIndex, policy: PolicyInfo, target: object, field: str | None, what: str) -> str:
    base = index.pointer(target) if isinstance(target, (dict, list)) else None
    if base is None:
        message = f"{what} must be an element of the document (an object or a list reached from it), not a computed value"
        raise EvalFailure(f"policy {policy.id}: {message}", policy.report_at or policy.source, policy.id)
    return f"{base}/{field}" if field else base


def _remedy(index: PointerIndex, finding: RawFinding, key: str) -> Remedy:
    """The fix with its JSON Pointers: authors name the element and its field, never an index."""
    fix: RawFix = finding.fix  # type: ignore[assignment]
    pointers = [_element_pointer(index, finding.policy, op.target, op.field, "a fix's at") for op in fix.operations]
    operations = tuple(Operation(op.op, ptr, op.value) for op, ptr in zip(fix.operations, pointers, strict=True))
    return Remedy(key, finding.policy.id, operations, fix.candidates)


def _pointer_order(pointer: str) -> tuple[tuple[int, int | str], ...]:
    return tuple((0, int(p)) if p.isdigit() else (1, p) for p in split_pointer(pointer))

"""Locating findings: from the document element a finding is about to its pointer, line and column."""

from __future__ import annotations

from wxcc_policy.errors import EvalFailure
from wxcc_policy.evaluation.raw_findings import RawFinding
from wxcc_policy.evaluation.results import Finding
from wxcc_policy.inputs.documents import Document
from wxcc_policy.inputs.pointers import PointerIndex, split_pointer


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
        finding = Finding(f.policy.id, f.policy.severity, f.message, ptr, at.line, at.column, key, impact=f.impact)
        rows.append(((at.offset, _pointer_order(ptr), f.policy.id, f.message), finding, f))
    rows.sort(key=lambda row: row[0])
    return [(finding, f) for _, finding, f in rows]


def _pointer(index: PointerIndex, finding: RawFinding) -> str:
    base = index.pointer(finding.target) if isinstance(finding.target, (dict, list)) else None
    if base is None:
        message = "report.at must be an element of the document (an object or a list reached from it), not a computed value"
        raise EvalFailure(f"policy {finding.policy.id}: {message}", finding.policy.report_at or finding.policy.source, finding.policy.id)
    return f"{base}/{finding.field}" if finding.field else base


def _pointer_order(pointer: str) -> tuple[tuple[int, int | str], ...]:
    return tuple((0, int(p)) if p.isdigit() else (1, p) for p in split_pointer(pointer))

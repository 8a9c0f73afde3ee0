"""The core: read → validate → evaluate → locate, for each input file."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any, NamedTuple

from wxcc_policy import __version__
from wxcc_policy.errors import UsageError
from wxcc_policy.evaluate import PointerIndex, RawFinding, evaluate
from wxcc_policy.lang.values import render
from wxcc_policy.model import EvalFailure
from wxcc_policy.policyset import PolicySet
from wxcc_policy.results import FileResult, Finding, Located, RunResult, SchemaError
from wxcc_policy.sources import DOCUMENT_SUFFIXES, TEST_FILE_SUFFIXES, Document, ParseFailure, read_document, split_pointer
from wxcc_policy.validation import violations

TOOL_NAME = "wxcc-policy"


class CheckSettings(NamedTuple):
    paths: tuple[str, ...]
    as_of: str | None
    fail_on: str
    parameters: dict[str, dict[str, Any]]
    policy_ids: tuple[str, ...]


def discover(paths: Iterable[str]) -> Iterator[tuple[Path, str]]:
    """Files named, and documents found under directories named (sorted; hidden files and
    policy test files skipped)."""
    for given in paths:
        path = Path(given)
        if path.is_dir():
            for found in sorted(path.rglob("*")):
                relative = found.relative_to(path).parts
                if (found.is_file() and found.suffix.lower() in DOCUMENT_SUFFIXES
                        and not found.name.endswith(TEST_FILE_SUFFIXES)
                        and not any(part.startswith(".") for part in relative)):
                    yield found, str(found)
        elif path.is_file():
            yield path, given
        else:
            raise UsageError("no such file or directory", given)


def select_policies(policies: PolicySet, select: Iterable[str], skip: Iterable[str]) -> tuple[str, ...]:
    known = [p.info.id for p in policies.policies]
    for pid in (*select, *skip):
        if pid not in known:
            from wxcc_policy.lang.shapes import did_you_mean

            raise UsageError(f"unknown policy id {pid!r}{did_you_mean(pid, known)}")
    chosen = [pid for pid in known if not select or pid in select]
    return tuple(pid for pid in chosen if pid not in skip)


def run_check(settings: CheckSettings, policies: PolicySet) -> RunResult:
    files = list(discover(settings.paths))
    results = tuple(check_file(path, shown, settings, policies) for path, shown in files)
    return RunResult(TOOL_NAME, __version__, policies.digest, len(policies.policies), settings.fail_on, results)


def check_file(path: Path, shown: str, settings: CheckSettings, policies: PolicySet) -> FileResult:
    try:
        document = read_document(path, shown)
    except OSError as exc:
        raise UsageError(f"cannot read: {exc.strerror}", shown) from None
    return check_document(document, settings, policies)


def check_document(document: Document | ParseFailure, settings: CheckSettings, policies: PolicySet) -> FileResult:
    if isinstance(document, ParseFailure):
        failure = Located(document.message, document.line, document.column)
        return FileResult(document.path, document.digest, parse_error=failure)
    problems = violations(policies.document.schema, document.data)
    if problems:
        positions = document.positions([p.pointer for p in problems])
        errors = tuple(
            SchemaError(p.pointer, p.message, positions[p.pointer].line, positions[p.pointer].column)
            for p in sorted(problems, key=lambda p: (positions[p.pointer].offset, p.pointer, p.message))
        )
        return FileResult(document.path, document.digest, schema_errors=errors)
    return _evaluate_document(document, settings, policies)


def _evaluate_document(document: Document, settings: CheckSettings, policies: PolicySet) -> FileResult:
    try:
        runtime = policies.runtime(document.data, settings.as_of)
        subject = render(policies.document.subject(runtime.base))
        by_id = policies.by_id()
        raw: list[RawFinding] = []
        for pid in settings.policy_ids:
            raw.extend(evaluate(by_id[pid], runtime, settings.parameters[pid]))
    except EvalFailure as exc:
        raise UsageError(f"evaluating {document.path}: {exc.message}", exc.where) from None
    findings = locate(document, raw, subject)
    return FileResult(document.path, document.digest, subject, runtime.base["asOf"], findings=findings)


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
        finding = Finding(f.policy.id, f.policy.severity, f.message, ptr, at.line, at.column,
                          f"{f.policy.id}:{subject}:{f.entity}")
        rows.append(((at.offset, _pointer_order(ptr), f.policy.id, f.message), finding, f))
    rows.sort(key=lambda row: row[0])
    return [(finding, f) for _, finding, f in rows]


def _pointer(index: PointerIndex, finding: RawFinding) -> str:
    base = index.pointer(finding.target) if isinstance(finding.target, (dict, list)) else None
    if base is None:
        raise UsageError(
            f"{finding.policy.id}: report.at must be an element of the document (an object or list), "
            f"not a computed value", finding.policy.source)
    return f"{base}/{finding.field}" if finding.field else base


def _pointer_order(pointer: str) -> tuple[tuple[int, int | str], ...]:
    return tuple((0, int(p)) if p.isdigit() else (1, p) for p in split_pointer(pointer))

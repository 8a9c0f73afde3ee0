"""The core: read → validate → evaluate → locate, for each input file."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import Any, NamedTuple

from wxcc_policy import __version__
from wxcc_policy.errors import UsageError
from wxcc_policy.evaluation.evaluator import RawFinding, evaluate
from wxcc_policy.evaluation.locate import locate
from wxcc_policy.evaluation.results import FileResult, Located, RunResult, SchemaError
from wxcc_policy.inputs.discovery import discover
from wxcc_policy.inputs.sources import Document, ParseFailure, read_document
from wxcc_policy.lang.values import render
from wxcc_policy.rules.model import EvalFailure
from wxcc_policy.rules.policy_set import PolicySet
from wxcc_policy.validation.schemas import violations

TOOL_NAME = "wxcc-policy"


class CheckSettings(NamedTuple):
    paths: tuple[str, ...]
    as_of: str | None
    fail_on: str
    parameters: dict[str, dict[str, Any]]
    policy_ids: tuple[str, ...]


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

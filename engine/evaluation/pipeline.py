"""The core: read → validate → evaluate → locate, for each input file."""

from __future__ import annotations

import os
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any, NamedTuple

from wxcc_policy.errors import EvalFailure, LocatedError, UsageError
from wxcc_policy.evaluation.evaluator import evaluate
from wxcc_policy.evaluation.locate import locate
from wxcc_policy.evaluation.raw_findings import RawFinding
from wxcc_policy.evaluation.results import FileResult, FileResults, Located, RuleInfo, RunResult, SchemaError
from wxcc_policy.evaluation.run_header import run_header
from wxcc_policy.evaluation.source_fixes import remedies, with_lines, with_source_fixes
from wxcc_policy.inputs.discovery import discover
from wxcc_policy.inputs.documents import Document, ParseFailure, read_document
from wxcc_policy.lang.budget import Limits
from wxcc_policy.lang.names import AS_OF
from wxcc_policy.lang.values import render
from wxcc_policy.rules.model import PolicyInfo
from wxcc_policy.rules.policy_set import DEFAULT_LIMITS, PolicySet
from wxcc_policy.validation.schemas import violations


class CheckSettings(NamedTuple):
    paths: tuple[str, ...]
    as_of: str | None
    fail_on: str
    parameters: dict[str, dict[str, Any]]
    policy_ids: tuple[str, ...]
    limits: Limits = DEFAULT_LIMITS  # the evaluation budget per document (lang/budget.py)
    source_edits: bool = False  # fixes as text edits and the lines problems are on (evaluation/source_fixes.py)


def select_policies(policies: PolicySet, select: Iterable[str], skip: Iterable[str]) -> tuple[str, ...]:
    known = [p.info.id for p in policies.policies]
    for pid in (*select, *skip):
        if pid not in known:
            from wxcc_policy.errors import did_you_mean

            raise UsageError(f"unknown policy id {pid!r}{did_you_mean(pid, known)}")
    chosen = [pid for pid in known if not select or pid in select]
    return tuple(pid for pid in chosen if pid not in skip)


def run_check(settings: CheckSettings, policies: PolicySet) -> RunResult:
    files = list(discover(settings.paths))
    results = FileResults(check_file(path, shown, settings, policies) for path, shown in files)
    return run_result(settings, policies, results)


def run_result(settings: CheckSettings, policies: PolicySet, results: Sequence[FileResult]) -> RunResult:
    """The run from its per-file results (checked here, or in worker processes: evaluation/parallel.py)."""
    rules = rule_infos(settings, policies)
    return RunResult(*run_header(policies), settings.fail_on, results, rules=rules)


def rule_infos(settings: CheckSettings, policies: PolicySet) -> tuple[RuleInfo, ...]:
    """Every loaded policy, enabled or not by the settings: what SARIF and JUnit describe."""
    return tuple(_rule_info(p.info, p.info.id in settings.policy_ids) for p in policies.policies)


def _rule_info(i: PolicyInfo, enabled: bool) -> RuleInfo:
    return RuleInfo(i.id, i.title, i.severity, i.description, i.rationale, i.remediation, i.source, enabled)


def check_file(path: Path, shown: str, settings: CheckSettings, policies: PolicySet) -> FileResult:
    """One file's result: a file that cannot be read or parsed, fails its schema or makes a
    policy fail is that file's result; the run goes on with the others."""
    return check_document(read_document(path, shown), settings, policies)


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
        result = FileResult(document.path, document.digest, schema_errors=errors)
        return with_lines(result, document) if settings.source_edits else result
    result = _evaluate_document(document, settings, policies)
    return with_source_fixes(result, document, remedies(result)) if settings.source_edits else result


def _evaluate_document(document: Document, settings: CheckSettings, policies: PolicySet) -> FileResult:
    pid = ""  # the policy being evaluated, for a failure's message
    try:
        runtime = policies.runtime(document.data, settings.as_of, settings.limits)
        subject = render(policies.document.subject(runtime.base))
        by_id = policies.by_id()
        raw: list[RawFinding] = []
        for pid in settings.policy_ids:
            raw.extend(evaluate(by_id[pid], runtime, settings.parameters[pid]))
        pid = ""
        findings = locate(document, raw, subject)  # inside: a computed report.at fails here
    except (EvalFailure, UsageError) as exc:
        failure = exc.in_policy(pid) if isinstance(exc, EvalFailure) and pid else exc
        return _failed(document, eval_failure_message(failure))
    except Exception as exc:  # a defect met on one document must not hide the report on the others
        if os.environ.get("WXCC_POLICY_DEBUG"):
            raise
        where = f"policy {pid}: " if pid else ""
        return _failed(document, f"{where}internal error: {type(exc).__name__}: {exc}"[:500])
    as_of = runtime.base[AS_OF]
    runtime.release()  # frees the document now, garbage collection paused or not
    return FileResult(document.path, document.digest, subject, as_of, findings=findings)


def eval_failure_message(exc: LocatedError) -> str:
    """`policy ID: message (at policy-file:line:column)`: the snapshot is the file the result
    is about; the place in the policy that failed goes in the message."""
    policy = getattr(exc, "policy", "")
    named = f"policy {policy}: " if policy and not exc.message.startswith(f"policy {policy}") else ""
    return f"{named}{exc.message}" + (f" (at {exc.where})" if exc.where else "")


def _failed(document: Document, message: str) -> FileResult:
    """An evaluation that failed: no findings (they would be partial), the run's exit code 2."""
    return FileResult(document.path, document.digest, eval_error=Located(message, 1, 1))

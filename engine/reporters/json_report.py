"""The JSON result of OUTPUT.md (version "1"), plus a `key`, `state` and `waiver` per
finding, run-level `notices` and the baseline counts (schemas/result.schema.json)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from wxcc_policy.evaluation.baseline import baseline_counts
from wxcc_policy.evaluation.results import FileResult, Finding, Located, Notice, RunResult, Waiver
from wxcc_policy.reporters.json_layout import streamed


def header(run: Any) -> dict[str, Any]:
    """The fields every JSON document of the tool starts with: format version, tool, policy set."""
    return {
        "version": "1",
        "tool": {"name": run.tool, "version": run.version},
        "policySet": {"digest": run.policy_digest, "policies": run.policy_count},
    }


def finding_fields(f: Finding) -> dict[str, Any]:
    """What and where a finding is, in every JSON document that lists findings."""
    return {
        "policy": f.policy,
        "severity": f.severity,
        "message": f.message,
        "pointer": f.pointer,
        "line": f.line,
        "column": f.column,
        "key": f.key,
    }


def schema_errors(result: FileResult) -> list[dict[str, Any]]:
    return [{"pointer": e.pointer, "message": e.message, "line": e.line, "column": e.column} for e in result.schema_errors]


def located(error: Located | None) -> dict[str, Any] | None:
    return None if error is None else {"message": error.message, "line": error.line, "column": error.column}


def as_dict(run: RunResult, with_results: bool = True) -> dict[str, Any]:
    summary = run.summary()
    return {
        **header(run),
        "results": [file_dict(r) for r in run.results] if with_results else [],
        "notices": [_notice(n) for n in run.notices],
        "summary": {
            "files": summary.files,
            **summary.counts,
            "waived": summary.waived,
            "invalid": summary.invalid,
            "failOn": run.fail_on,
            "passed": summary.passed,
            "baseline": _baseline(run),
        },
    }


def input_fields(result: FileResult) -> dict[str, Any]:
    """What and which an input is, and why it could not be read or validated."""
    return {
        "file": result.file,
        "digest": result.digest,
        "tenant": result.tenant,
        "asOf": result.as_of,
        "parseError": located(result.parse_error),
        "schemaErrors": schema_errors(result),
    }


def file_dict(result: FileResult) -> dict[str, Any]:
    return {
        **input_fields(result),
        "evalError": located(result.eval_error),
        "findings": [_finding(f) for f in result.findings],
    }


def _finding(f: Finding) -> dict[str, Any]:
    return {
        **finding_fields(f),
        "waived": f.waived,
        "waiver": _waiver(f.waiver),
        "state": f.state,
        **({"impact": {"measure": f.impact[0], "value": f.impact[1]}} if f.impact else {}),
    }


def _waiver(w: Waiver | None) -> dict[str, Any] | None:
    if w is None:
        return None
    return {"reference": w.reference, "owner": w.owner, "reason": w.reason, "expires": w.expires, "ticket": w.ticket}


def _notice(n: Notice) -> dict[str, Any]:
    return {"level": n.level, "kind": n.kind or None, "key": n.key or None, "message": n.message, "where": n.where or None}


def _baseline(run: RunResult) -> dict[str, Any] | None:
    counts = baseline_counts(run)
    return None if counts is None else {"file": run.baseline, **counts}


def render(run: RunResult, color: bool = False) -> str:
    return "".join(chunks(run))


def chunks(run: RunResult, color: bool = False) -> Iterator[str]:
    """The document in pieces, one file's result at a time (reporters/json_layout.py)."""
    return streamed(as_dict(run, with_results=False), "results", (file_dict(r) for r in run.results))

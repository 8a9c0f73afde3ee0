"""The JSON result of OUTPUT.md (version "1"), plus a `key` per finding."""

from __future__ import annotations

import json
from typing import Any

from wxcc_policy.evaluation.results import FileResult, RunResult


def as_dict(run: RunResult) -> dict[str, Any]:
    summary = run.summary()
    return {
        "version": "1",
        "tool": {"name": run.tool, "version": run.version},
        "policySet": {"digest": run.policy_digest, "policies": run.policy_count},
        "results": [_file(r) for r in run.results],
        "summary": {
            "files": summary.files,
            **summary.counts,
            "waived": summary.waived,
            "invalid": summary.invalid,
            "failOn": run.fail_on,
            "passed": summary.passed,
        },
    }


def _file(result: FileResult) -> dict[str, Any]:
    error = result.parse_error
    return {
        "file": result.file,
        "digest": result.digest,
        "tenant": result.tenant,
        "asOf": result.as_of,
        "parseError": None if error is None else {"message": error.message, "line": error.line, "column": error.column},
        "schemaErrors": [{"pointer": e.pointer, "message": e.message, "line": e.line, "column": e.column} for e in result.schema_errors],
        "findings": [
            {
                "policy": f.policy,
                "severity": f.severity,
                "message": f.message,
                "pointer": f.pointer,
                "line": f.line,
                "column": f.column,
                "key": f.key,
                "waived": f.waived,
            }
            for f in result.findings
        ],
    }


def render(run: RunResult, color: bool = False) -> str:
    return json.dumps(as_dict(run), indent=2, ensure_ascii=False) + "\n"

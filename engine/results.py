"""The result model shared by every output format."""

from __future__ import annotations

from typing import NamedTuple

SEVERITIES = ("error", "warning", "info")
SEVERITY_RANK = {"error": 3, "warning": 2, "info": 1}


class Located(NamedTuple):
    message: str
    line: int
    column: int


class SchemaError(NamedTuple):
    pointer: str
    message: str
    line: int
    column: int


class Finding(NamedTuple):
    policy: str
    severity: str
    message: str
    pointer: str
    line: int
    column: int
    key: str
    waived: bool = False


class FileResult(NamedTuple):
    file: str
    digest: str
    tenant: str | None = None
    as_of: str | None = None
    parse_error: Located | None = None
    schema_errors: tuple[SchemaError, ...] = ()
    findings: tuple[Finding, ...] = ()

    @property
    def invalid(self) -> bool:
        return self.parse_error is not None or bool(self.schema_errors)


class Summary(NamedTuple):
    files: int
    counts: dict[str, int]
    waived: int
    invalid: int
    passed: bool


class RunResult(NamedTuple):
    tool: str
    version: str
    policy_digest: str
    policy_count: int
    fail_on: str
    results: tuple[FileResult, ...] = ()

    def summary(self) -> Summary:
        counts = dict.fromkeys(SEVERITIES, 0)
        waived = 0
        for result in self.results:
            for f in result.findings:
                if f.waived:
                    waived += 1
                else:
                    counts[f.severity] += 1
        invalid = sum(1 for r in self.results if r.invalid)
        threshold = SEVERITY_RANK[self.fail_on]
        failing = sum(n for sev, n in counts.items() if SEVERITY_RANK[sev] >= threshold)
        return Summary(len(self.results), counts, waived, invalid, passed=not failing and not invalid)

    @property
    def exit_code(self) -> int:
        return 0 if self.summary().passed else 1

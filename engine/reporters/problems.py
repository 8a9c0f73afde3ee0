"""Every problem of a run in one shape, for the pipeline formats (SARIF, GitHub, GitLab, JUnit).

A file that cannot be parsed, fails its schema or fails evaluation is a problem too, under a
synthetic rule, so it shows where the findings show (a pull request, a merge request).
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from typing import NamedTuple

from wxcc_policy.evaluation.results import FileResult, Finding, RuleInfo, RunResult

PARSE, SCHEMA, EVAL = "PARSE", "SCHEMA", "EVAL"

SYNTHETIC_RULES = (
    RuleInfo(
        PARSE,
        "The input can be parsed",
        "error",
        "The file is well-formed JSON or YAML holding one document.",
        "A file that cannot be parsed cannot be checked: none of its findings are known.",
        "Fix the syntax at the line and column given.",
        "wxcc-policy",
    ),
    RuleInfo(
        SCHEMA,
        "The input is a valid snapshot",
        "error",
        "The document is valid against the snapshot schema (schemas/snapshot.schema.json).",
        "Policies are evaluated only over documents of the shape they were written for.",
        "Correct the value at the JSON Pointer given, as the message says.",
        "wxcc-policy",
    ),
    RuleInfo(
        EVAL,
        "The policies can be evaluated",
        "error",
        "Every loaded policy could be evaluated over the document.",
        "A policy that fails at run time has not judged the document.",
        "See the message: the policy expression and its location name the cause.",
        "wxcc-policy",
    ),
)


class Problem(NamedTuple):
    file: FileResult
    rule: str  # a policy id, or PARSE / SCHEMA / EVAL
    severity: str  # error | warning | info
    message: str
    pointer: str | None
    line: int
    column: int
    identity: str  # stable across runs and array reorderings: the finding key, or what the error is about
    finding: Finding | None = None

    @property
    def active(self) -> bool:
        """Whether the problem stands in this run: not waived, and not fixed or resolved."""
        f = self.finding
        return f is None or (not f.waived and f.state not in ("fixed", "resolved"))


def problems(run: RunResult) -> Iterator[Problem]:
    for result in run.results:
        yield from file_problems(result)


def file_problems(result: FileResult) -> Iterator[Problem]:
    if result.parse_error is not None:
        e = result.parse_error
        yield Problem(result, PARSE, "error", e.message, None, e.line, e.column, PARSE)
    for s in result.schema_errors:
        message = f"{s.pointer or '/'}: {s.message}"
        yield Problem(result, SCHEMA, "error", message, s.pointer, s.line, s.column, f"{SCHEMA}:{s.pointer}:{s.message}")
    if result.eval_error is not None:
        e = result.eval_error
        yield Problem(result, EVAL, "error", e.message, None, e.line, e.column, f"{EVAL}:{e.message}")
    for f in result.findings:
        yield Problem(result, f.policy, f.severity, f.message, f.pointer, f.line, f.column, f.key, f)


def fingerprint(*parts: str) -> str:
    """A SHA-256 over the parts (NUL-separated, so that no two part lists collide)."""
    return hashlib.sha256("\0".join(parts).encode("utf-8", "surrogateescape")).hexdigest()


def rules_of(run: RunResult) -> tuple[RuleInfo, ...]:
    """The run's policies, any policy a finding names that the run does not describe (a run
    built without its policy set), then the synthetic rules: every problem has its rule."""
    known = {r.id for r in run.rules}
    severities = {f.policy: f.severity for r in run.results for f in r.findings if f.policy not in known}
    extra = sorted(severities)
    return (*run.rules, *(RuleInfo(pid, pid, severities[pid]) for pid in extra), *SYNTHETIC_RULES)


def summary_text(run: RunResult) -> str:
    """The text format's summary line, exactly as `--format text` ends."""
    from wxcc_policy.reporters.text_report import baseline_states, summary_line

    return summary_line(run.summary(), baseline_states(run))

"""SARIF 2.1.0, as GitHub code scanning ingests it (`--format sarif`).

One run: every loaded policy is a rule (with the synthetic rules for parse, schema and
evaluation errors), every problem a result with its physical location (relative URI,
line, column in code points) and its JSON Pointer as logical location. The finding key
is the partial fingerprint, so an alert survives array reorderings. Waived findings
carry `suppressions`, findings judged against a reference carry `baselineState`. A finding
with a declared fix carries `fixes`: the replacements of its file's text, where it applies
(evaluation/source_fixes.py).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from wxcc_policy.evaluation.results import FileResult, Finding, Notice, RuleInfo, RunResult, SourceFix, Waiver, tally
from wxcc_policy.reporters.json_layout import Streamed, pieces
from wxcc_policy.reporters.locations import artifact_uri, parse_place
from wxcc_policy.reporters.problems import Problem, fingerprint, problems, rules_of
from wxcc_policy.reporters.source_fixes import FileFixes

SCHEMA_URI = "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
INFORMATION_URI = "https://wxcc-policy.invalid/"  # the project has no public home yet: one place to change
FINGERPRINT_NAME = "wxccPolicyKey/v1"
LEVELS = {"error": "error", "warning": "warning", "info": "note"}
# Where a finding stands against a reference → SARIF's baselineState.
BASELINE_STATES = {"new": "new", "existing": "unchanged", "unchanged": "unchanged", "fixed": "absent", "resolved": "absent"}


def render(run: RunResult, color: bool = False) -> str:
    return "".join(chunks(run))


def chunks(run: RunResult, color: bool = False) -> Iterator[str]:
    yield from pieces(as_dict(run, streamed=True), inline_from=2)  # one rule, artifact, result per line
    yield "\n"


def as_dict(run: RunResult, streamed: bool = False) -> dict[str, Any]:
    """The log; `streamed`: its artifacts and results made as they are written (one pass
    over the results each), so that a log over thousands of files is never held whole."""
    rules = rules_of(run)
    index = {r.id: i for i, r in enumerate(rules)}
    order = {file: i for i, file in enumerate(dict.fromkeys(r.file for r in run.results))}
    artifacts = Streamed(_artifacts(run, order)) if streamed else list(_artifacts(run, order))
    fixes = FileFixes()
    results = (_result(p, index, order, fixes) for p in problems(run))
    return {
        "$schema": SCHEMA_URI,
        "version": "2.1.0",
        "runs": [
            {
                "tool": {"driver": _driver(run, rules)},
                "invocations": [_invocation(run)],
                "artifacts": artifacts,
                "results": Streamed(results) if streamed else list(results),
                "columnKind": "unicodeCodePoints",
                "properties": {"policySetDigest": run.policy_digest, "failOn": run.fail_on},
            }
        ],
    }


def _driver(run: RunResult, rules: tuple[RuleInfo, ...]) -> dict[str, Any]:
    return {
        "name": run.tool,
        "version": run.version,
        "semanticVersion": run.version,
        "informationUri": INFORMATION_URI,
        "rules": [_rule(r) for r in rules],
    }


def _rule(rule: RuleInfo) -> dict[str, Any]:
    text = f"{rule.description}\n\nRationale: {rule.rationale}\n\nRemediation: {rule.remediation}"
    markdown = f"{rule.description}\n\n**Rationale.** {rule.rationale}\n\n**Remediation.** {rule.remediation}"
    descriptor: dict[str, Any] = {
        "id": rule.id,
        "name": _pascal_case(rule.title) or rule.id,
        "shortDescription": {"text": rule.title},
        "fullDescription": {"text": rule.description or rule.title},
        "help": {"text": text, "markdown": markdown},
        "defaultConfiguration": {"level": LEVELS[rule.severity], "enabled": rule.enabled},
        "properties": {"tags": ["wxcc-policy"], "severity": rule.severity},
    }
    if rule.source:
        descriptor["properties"]["source"] = rule.source
    return descriptor


def _pascal_case(title: str) -> str:
    return "".join(word[:1].upper() + word[1:] for word in re.findall(r"[A-Za-z0-9]+", title))


def _invocation(run: RunResult) -> dict[str, Any]:
    # The run itself succeeded unless a policy could not be evaluated; findings and invalid
    # inputs are its results, and the exit code says whether they fail the gate.
    failed = tally(run.results).eval_errors > 0
    invocation: dict[str, Any] = {"executionSuccessful": not failed, "exitCode": 2 if failed else run.exit_code}
    if run.notices:
        invocation["toolExecutionNotifications"] = [_notification(n) for n in run.notices]
    return invocation


def _notification(notice: Notice) -> dict[str, Any]:
    out: dict[str, Any] = {"level": LEVELS.get(notice.level, "note"), "message": {"text": notice.message}}
    if notice.kind:
        out["descriptor"] = {"id": notice.kind}
    place = parse_place(notice.where)
    if place is not None:
        out["locations"] = [_physical(place.file, place.line, place.column)]
    if notice.key:
        out["properties"] = {"key": notice.key}
    return out


def _artifacts(run: RunResult, order: dict[str, int]) -> Iterator[dict[str, Any]]:
    """One artifact per distinct file, from its first result (the one that numbered it)."""
    described = 0
    for result in run.results:
        if order[result.file] == described:
            described += 1
            yield _artifact(result)


def _artifact(result: FileResult) -> dict[str, Any]:
    algorithm, _, digest = result.digest.partition(":")
    artifact: dict[str, Any] = {"location": _artifact_location(result.file)}
    if algorithm == "sha256" and digest:
        artifact["hashes"] = {"sha-256": digest}
    properties = {k: v for k, v in (("tenant", result.tenant), ("asOf", result.as_of)) if v is not None}
    if properties:
        artifact["properties"] = properties
    return artifact


def _artifact_location(file: str, index: int | None = None) -> dict[str, Any]:
    uri = artifact_uri(file)
    location: dict[str, Any] = {"uri": uri.uri}
    if uri.base_id is not None:
        location["uriBaseId"] = uri.base_id
    if index is not None:
        location["index"] = index
    return location


def _physical(file: str, line: int, column: int, artifact: dict[str, Any] | None = None) -> dict[str, Any]:
    region = {"startLine": max(line, 1), "startColumn": max(column, 1)}
    return {"physicalLocation": {"artifactLocation": artifact or _artifact_location(file), "region": region}}


def _result(problem: Problem, rule_index: dict[str, int], order: dict[str, int], fixes: FileFixes) -> dict[str, Any]:
    artifact = _artifact_location(problem.file.file, order[problem.file.file])
    location = _physical(problem.file.file, problem.line, problem.column, artifact)
    if problem.pointer is not None:
        location["logicalLocations"] = [{"fullyQualifiedName": problem.pointer or "/"}]
    result: dict[str, Any] = {
        "ruleId": problem.rule,
        "ruleIndex": rule_index[problem.rule],
        "level": LEVELS[problem.severity],
        "message": {"text": problem.message},
        "locations": [location],
        "partialFingerprints": {FINGERPRINT_NAME: _fingerprint(problem, artifact["uri"])},
    }
    fix = fixes.fix(problem)
    if fix is not None:
        result["fixes"] = [_fix(fix, artifact)]
    properties: dict[str, Any] = {"severity": problem.severity}
    if problem.finding is not None:
        properties["key"] = problem.finding.key
        _standing(result, problem.finding)
    if problem.file.tenant is not None:
        properties["tenant"] = problem.file.tenant
    result["properties"] = properties
    return result


def _fix(fix: SourceFix, artifact: dict[str, Any]) -> dict[str, Any]:
    """The finding's declared fix as the replacements of its file's text (columns in code
    points, as every region of the log; the end is exclusive, as SARIF's endColumn is)."""
    replacements = [
        {
            "deletedRegion": {"startLine": e.start_line, "startColumn": e.start_column, "endLine": e.end_line, "endColumn": e.end_column},
            "insertedContent": {"text": e.text},
        }
        for e in fix.edits
    ]
    return {"description": {"text": fix.description}, "artifactChanges": [{"artifactLocation": artifact, "replacements": replacements}]}


def _fingerprint(problem: Problem, uri: str) -> str:
    """From the file and the finding key (which holds the tenant and the entity, never an
    array index); the file keeps two copies of one tenant apart, as code scanning keeps
    alerts of different paths apart anyway. An input error has no key: what it is about
    stands in."""
    return fingerprint(uri, problem.identity)


def _standing(result: dict[str, Any], finding: Finding) -> None:
    """Waivers and baselines: a waived finding is suppressed (a reviewer sees who accepted
    it and why), a finding judged against a reference has its baselineState. A finding that
    no longer occurs (fixed, resolved) is kept as `absent`, as a passing result, so that it
    never opens an alert."""
    if finding.waived:
        result["suppressions"] = [_suppression(finding.waiver)]
    if finding.state in BASELINE_STATES:  # not "upcoming" (check --horizon): no baseline state
        state = BASELINE_STATES[finding.state]
        result["baselineState"] = state
        if state == "absent":
            result["kind"], result["level"] = "pass", "none"


def _suppression(waiver: Waiver | None) -> dict[str, Any]:
    suppression: dict[str, Any] = {"kind": "external", "status": "accepted"}
    if waiver is None:
        return suppression
    suppression["justification"] = waiver.reason
    place = parse_place(waiver.reference)
    if place is not None:
        suppression["location"] = _physical(place.file, place.line, place.column)
    properties = {"owner": waiver.owner, "expires": waiver.expires, "reference": waiver.reference}
    if waiver.ticket:
        properties["ticket"] = waiver.ticket
    suppression["properties"] = properties
    return suppression

"""Fixes where reviewers look: SARIF `fixes` and reviewdog's rdjson `suggestions`, from the
text edits the run attaches to its results (evaluation/source_fixes.py). Each is validated
against its published schema, and applying its replacements to the file's bytes gives the
patched snapshot: SARIF counts code points, rdjson UTF-8 bytes, both end exclusive."""

from __future__ import annotations

import json
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import jsonpatch
import jsonschema
import pytest
from conftest import EXAMPLES, ROOT, run_cli
from referencing import Registry, Resource

from wxcc_policy.evaluation.pipeline import CheckSettings, check_file, run_result
from wxcc_policy.evaluation.results import FileResult, RunResult
from wxcc_policy.evaluation.source_fixes import with_source_fixes
from wxcc_policy.inputs.documents import Document, read_document
from wxcc_policy.inputs.yaml_reader import parse_yaml
from wxcc_policy.outputs.in_place import same_value
from wxcc_policy.reporters import CHECK
from wxcc_policy.rules.policy_set import load_policy_set

EXTERNAL = ROOT / "tests" / "data" / "external"
POLICIES = load_policy_set([])


@dataclass(frozen=True)
class Op:
    op: str
    path: str
    value: Any = None


# The violations example, with non-ASCII text before the fixed values on their lines.
TENANT = (EXAMPLES / "violations-tenant.yaml").read_text(encoding="utf-8").replace("displayName: agent7", "displayName: Zoë 代理7")
FIXES = {
    "WXCC-ACC-001": [Op("replace", "/users/0/subscriptionId", "Sub-2")],
    "WXCC-SUB-003": [Op("replace", "/subscriptions/0/status", "expired")],
    "WXCC-BIL-002": [Op("replace", "/overages/0/quantity", 2), Op("add", "/overages/-", {"period": "2026-10", "note": "ø"})],
}


def _settings(path: Path) -> CheckSettings:
    ids = tuple(p.info.id for p in POLICIES.policies)
    params = {p.info.id: {q.name: q.default for q in p.info.parameters} for p in POLICIES.policies}
    return CheckSettings((str(path),), None, "error", params, ids, source_edits=True)


def _run_with_fixes(tmp_path: Path) -> tuple[RunResult, Path]:
    """A check of the tenant whose findings carry the fixes above (as a policy's `fix:` would give them)."""
    path = tmp_path / "tenant.yaml"
    path.write_text(TENANT, encoding="utf-8")
    settings = _settings(path)
    result = check_file(path, str(path), settings, POLICIES)
    document = read_document(path, str(path))
    assert isinstance(document, Document)
    remedies = [(f.key, FIXES[f.policy]) for f in result.findings if f.policy in FIXES]
    assert len(remedies) == 3
    return run_result(settings, POLICIES, [with_source_fixes(result, document, remedies)]), path


def _expected(policy: str) -> Any:
    patch = [{"op": o.op, "path": o.path, **({} if o.op == "remove" else {"value": o.value})} for o in FIXES[policy]]
    return jsonpatch.apply_patch(parse_yaml(TENANT)[0], patch)


def _validator(schema_file: Path) -> jsonschema.protocols.Validator:
    """A validator whose `$ref`s resolve among the schema's own files only (no network)."""
    schema = json.loads(schema_file.read_text())
    resources = [(p.name, Resource.from_contents(json.loads(p.read_text()))) for p in schema_file.parent.glob("*.json")]
    registry: Registry[Any] = Registry().with_resources(resources)
    return jsonschema.validators.validator_for(schema)(schema, registry=registry)


def _replaced(raw: bytes, changes: list[tuple[int, int, int, int, str]], bytewise: bool) -> str:
    """The text with (start line, start column, end line, end column, text) replacements made,
    columns in UTF-8 bytes or code points, ends exclusive."""
    lines = raw.decode().splitlines(keepends=True)
    unit: Any = (lambda s: s.encode()) if bytewise else (lambda s: s)

    def offset(line: int, column: int) -> int:
        before = "".join(lines[: line - 1])
        head = unit(lines[line - 1])[: column - 1]
        return len(before) + len(head.decode() if bytewise else head)

    text = raw.decode()
    for sl, sc, el, ec, new in sorted(changes, reverse=True):
        text = text[: offset(sl, sc)] + new + text[offset(el, ec) :]
    return text


def test_sarif_fixes_validate_and_apply_as_code_point_replacements(tmp_path: Path) -> None:
    run, path = _run_with_fixes(tmp_path)
    log = json.loads("".join(CHECK.renderer("sarif")(run, False)))
    _validator(EXTERNAL / "sarif-schema-2.1.0.json").validate(log)
    with_fixes = [r for r in log["runs"][0]["results"] if "fixes" in r]
    assert sorted(r["ruleId"] for r in with_fixes) == sorted(FIXES)
    for result in with_fixes:
        (fix,) = result["fixes"]
        (change,) = fix["artifactChanges"]
        assert change["artifactLocation"]["index"] == result["locations"][0]["physicalLocation"]["artifactLocation"]["index"]
        regions = [(r["deletedRegion"], r["insertedContent"]["text"]) for r in change["replacements"]]
        changes = [(d["startLine"], d["startColumn"], d["endLine"], d["endColumn"], text) for d, text in regions]
        assert same_value(parse_yaml(_replaced(path.read_bytes(), changes, bytewise=False))[0], _expected(result["ruleId"]))
    acc = next(r for r in with_fixes if r["ruleId"] == "WXCC-ACC-001")
    assert acc["fixes"][0]["description"]["text"] == 'replace /users/0/subscriptionId with "Sub-2"'
    assert next(r for r in log["runs"][0]["results"] if r["ruleId"] == "WXCC-TEL-001").get("fixes") is None


def test_sarif_with_fixes_is_read_by_sarif_tools(tmp_path: Path) -> None:
    run, _ = _run_with_fixes(tmp_path)
    report = tmp_path / "fixes.sarif"
    report.write_text("".join(CHECK.renderer("sarif")(run, False)))
    done = subprocess.run([sys.executable, "-m", "sarif", "summary", str(report)], capture_output=True, text=True, check=True)
    assert "error: 4" in done.stdout and "warning: 1" in done.stdout


def test_rdjson_validates_and_its_suggestions_apply_as_byte_replacements(tmp_path: Path) -> None:
    run, path = _run_with_fixes(tmp_path)
    document = json.loads("".join(CHECK.renderer("rdjson")(run, False)))
    _validator(EXTERNAL / "reviewdog" / "DiagnosticResult.json").validate(document)
    diagnostics = document["diagnostics"]
    assert len(diagnostics) == 5 and {d["severity"] for d in diagnostics} == {"ERROR", "WARNING"}
    suggested = [d for d in diagnostics if "suggestions" in d]
    assert sorted(d["code"]["value"] for d in suggested) == sorted(FIXES)
    for diagnostic in suggested:
        changes = [
            (s["range"]["start"]["line"], s["range"]["start"]["column"], s["range"]["end"]["line"], s["range"]["end"]["column"], s["text"])
            for s in diagnostic["suggestions"]
        ]
        assert same_value(parse_yaml(_replaced(path.read_bytes(), changes, bytewise=True))[0], _expected(diagnostic["code"]["value"]))


def test_rdjson_columns_count_utf8_bytes(tmp_path: Path) -> None:
    run, _ = _run_with_fixes(tmp_path)
    document = json.loads("".join(CHECK.renderer("rdjson")(run, False)))
    acc = next(d for d in document["diagnostics"] if d["code"]["value"] == "WXCC-ACC-001")
    line = TENANT.splitlines()[acc["location"]["range"]["start"]["line"] - 1]
    finding = next(f for f in run.results[0].findings if f.policy == "WXCC-ACC-001")
    assert acc["location"]["range"]["start"]["column"] == len(line[: finding.column - 1].encode()) + 1 > finding.column
    (suggestion,) = acc["suggestions"]
    start = suggestion["range"]["start"]["column"]
    assert line.encode()[start - 1 : suggestion["range"]["end"]["column"] - 1] == b"Sub-1"


def test_rdjson_of_a_check_through_the_command_line(runner: Any) -> None:
    code, out, _ = run_cli(
        runner, "check", "--format", "rdjson", str(EXAMPLES / "violations-tenant.yaml"), str(EXAMPLES / "acme-tenant.json")
    )
    assert code == 1
    document = json.loads(out)
    _validator(EXTERNAL / "reviewdog" / "DiagnosticResult.json").validate(document)
    assert document["source"]["name"] == "wxcc-policy" and len(document["diagnostics"]) == 6
    assert all(
        d["location"]["path"].startswith("examples/tenants/") or d["location"]["path"].startswith("/") for d in document["diagnostics"]
    )


def test_waived_findings_are_not_review_comments(runner: Any, tmp_path: Path) -> None:
    waivers = tmp_path / "waivers.yaml"
    waivers.write_text(
        "waivers:\n  - policy: WXCC-TEL-001\n    reason: moving in December\n    owner: t@example.com\n"
        "    granted: 2026-11-01\n    expires: 2026-11-30\n"
    )
    _, out, _ = run_cli(runner, "check", "--format", "rdjson", "--waivers", str(waivers), str(EXAMPLES / "violations-tenant.yaml"))
    assert "WXCC-TEL-001" not in {d["code"]["value"] for d in json.loads(out)["diagnostics"]}


@pytest.mark.parametrize("fmt", ["json", "junit", "github", "gitlab", "text"])
def test_formats_that_show_no_fix_get_no_source_edits(fmt: str, tmp_path: Path) -> None:
    """The run attaches fixes and line texts only for the formats that use them: the other
    formats' bytes cannot depend on them."""
    run, _ = _run_with_fixes(tmp_path)
    bare = run._replace(results=[FileResult(*run.results[0][:8])])
    render = CHECK.renderer(fmt)
    assert "".join(render(run, False)) == "".join(render(bare, False))


def test_rdjson_of_a_diff_lists_what_the_change_leaves(runner: Any, tmp_path: Path) -> None:
    after = json.loads((EXAMPLES / "acme-tenant.json").read_text())
    after["users"][0]["subscriptionId"] = "Sub-999"
    (tmp_path / "after.json").write_text(json.dumps(after, indent=2))
    code, out, _ = run_cli(runner, "diff", "--format", "rdjson", str(EXAMPLES / "acme-tenant.json"), str(tmp_path / "after.json"))
    document = json.loads(out)
    _validator(EXTERNAL / "reviewdog" / "DiagnosticResult.json").validate(document)
    assert code == 1 and any(d["code"]["value"] == "WXCC-ACC-001" for d in document["diagnostics"])


@pytest.mark.parametrize("fmt", ["sarif", "rdjson"])
def test_check_carries_the_built_in_fixes_that_fix_writes(runner: Any, tmp_path: Path, fmt: str) -> None:
    """The examples' findings through the command line: the fixes of the built-in policies,
    applied as the format's replacements, make the snapshot `fix`'s patch makes; checked
    again, only the finding without a fix (WXCC-TEL-001) is left."""
    path = tmp_path / "tenant.yaml"
    path.write_text(TENANT, encoding="utf-8")
    _, out, _ = run_cli(runner, "check", "--format", fmt, str(path))
    report = json.loads(out)
    if fmt == "sarif":
        results = [r for r in report["runs"][0]["results"] if "fixes" in r]
        regions = [
            (c["deletedRegion"], c["insertedContent"]["text"]) for r in results for c in r["fixes"][0]["artifactChanges"][0]["replacements"]
        ]
        changes = [(d["startLine"], d["startColumn"], d["endLine"], d["endColumn"], t) for d, t in regions]
    else:
        suggestions = [s for d in report["diagnostics"] for s in d.get("suggestions", [])]
        changes = [
            (s["range"]["start"]["line"], s["range"]["start"]["column"], s["range"]["end"]["line"], s["range"]["end"]["column"], s["text"])
            for s in suggestions
        ]
    assert len(changes) == 4
    fixed = _replaced(path.read_bytes(), changes, bytewise=fmt == "rdjson")
    _, patch, _ = run_cli(runner, "fix", str(path))
    assert same_value(parse_yaml(fixed)[0], jsonpatch.apply_patch(parse_yaml(TENANT)[0], json.loads(patch)))
    path.write_text(fixed, encoding="utf-8")
    _, after, _ = run_cli(runner, "check", "--format", "json", str(path))
    assert [f["policy"] for f in json.loads(after)["results"][0]["findings"]] == ["WXCC-TEL-001"]

"""The pipeline formats (SARIF, JUnit, GitHub, GitLab), checked by their real consumers:
the SARIF schema and Microsoft's sarif-tools, the JUnit XSD and junitparser."""

from __future__ import annotations

import csv
import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import xmlschema
from conftest import EXAMPLES, ROOT, run_cli
from junitparser import Error, Failure, JUnitXml, Skipped

from wxcc_policy.evaluation.results import FileResult, Finding, Located, Notice, RuleInfo, RunResult, Waiver
from wxcc_policy.reporters import CHECK, github, gitlab, junit, sarif

GOLDEN = ROOT / "tests" / "golden"
EXTERNAL = ROOT / "tests" / "data" / "external"
BAD = ROOT / "tests" / "data" / "bad"
UPDATE = os.environ.get("WXCC_UPDATE_GOLDEN") == "1"
SUFFIXES = {"sarif": "sarif", "junit": "junit.xml", "github": "github", "gitlab": "gitlab.json"}
EXAMPLE_NAMES = ["acme-tenant.json", "violations-tenant.yaml"]
SARIF_SCHEMA = json.loads((EXTERNAL / "sarif-schema-2.1.0.json").read_text())
JUNIT_SCHEMA = xmlschema.XMLSchema(str(EXTERNAL / "JUnit.xsd"))


def check(runner: Any, *args: str) -> tuple[int, str, str]:
    return run_cli(runner, "check", *args)


def validate_sarif(text: str) -> dict[str, Any]:
    doc: dict[str, Any] = json.loads(text)
    jsonschema.Draft4Validator(SARIF_SCHEMA).validate(doc)
    return doc


# --- golden files -------------------------------------------------------------------


@pytest.mark.parametrize("example", EXAMPLE_NAMES)
@pytest.mark.parametrize("fmt", list(SUFFIXES))
def test_golden_output(runner, example: str, fmt: str, monkeypatch) -> None:
    monkeypatch.chdir(ROOT)
    code, out, err = check(runner, "--format", fmt, f"examples/tenants/{example}")
    path = GOLDEN / f"{example}.{SUFFIXES[fmt]}"
    if UPDATE:
        path.write_text(out)
    assert out == path.read_text()
    assert err == ""
    assert code == (0 if example.startswith("acme") else 1)


@pytest.mark.parametrize("fmt", list(SUFFIXES))
def test_same_input_same_bytes(runner, fmt: str, monkeypatch) -> None:
    monkeypatch.chdir(ROOT)
    first = check(runner, "--format", fmt, "examples/tenants", str(BAD))[1]
    assert first == check(runner, "--format", fmt, "examples/tenants", str(BAD))[1]


def test_every_registered_format_is_a_choice_and_a_config_value(runner, tmp_path: Path) -> None:
    schema = json.loads((ROOT / "schemas" / "config.schema.json").read_text())
    assert schema["properties"]["format"]["enum"] == list(CHECK)
    assert schema["properties"]["reports"]["propertyNames"]["enum"] == list(CHECK)
    for fmt in CHECK:
        assert check(runner, "--format", fmt, str(EXAMPLES / "acme-tenant.json"))[0] == 0
    config = tmp_path / "c.yaml"
    config.write_text("format: sarif\n")
    _, out, _ = check(runner, "--config", str(config), str(EXAMPLES / "acme-tenant.json"))
    assert json.loads(out)["version"] == "2.1.0"


# --- SARIF --------------------------------------------------------------------------


def test_sarif_is_valid_and_describes_every_loaded_policy(runner, monkeypatch) -> None:
    monkeypatch.chdir(ROOT)
    _, out, _ = check(runner, "--format", "sarif", "--select", "WXCC-ACC-001", "examples/tenants", str(BAD))
    run = validate_sarif(out)["runs"][0]
    _, catalog, _ = run_cli(runner, "policies", "--format", "json")
    policies = json.loads(catalog)["policies"]
    rules = run["tool"]["driver"]["rules"]
    assert [r["id"] for r in rules] == [p["id"] for p in policies] + ["PARSE", "SCHEMA", "EVAL"]
    for rule, policy in zip(rules, policies, strict=False):
        assert rule["shortDescription"]["text"] == policy["title"]
        assert rule["fullDescription"]["text"] == policy["description"]
        assert policy["rationale"] in rule["help"]["markdown"] and policy["remediation"] in rule["help"]["text"]
        assert rule["defaultConfiguration"] == {
            "level": {"error": "error", "warning": "warning", "info": "note"}[policy["severity"]],
            "enabled": policy["id"] == "WXCC-ACC-001",  # --select left the others out of the run
        }
    assert run["columnKind"] == "unicodeCodePoints"
    for result in run["results"]:
        assert rules[result["ruleIndex"]]["id"] == result["ruleId"]
        location = result["locations"][0]["physicalLocation"]
        assert location["artifactLocation"]["uriBaseId"] == "%SRCROOT%"
        assert not location["artifactLocation"]["uri"].startswith(("/", "file:"))
        assert "\\" not in location["artifactLocation"]["uri"]
    assert {r["ruleId"] for r in run["results"]} >= {"PARSE", "SCHEMA", "WXCC-ACC-001"}


def test_sarif_locations_and_fingerprints(runner, monkeypatch) -> None:
    monkeypatch.chdir(ROOT)
    _, out, _ = check(runner, "--format", "sarif", "examples/tenants/violations-tenant.yaml")
    _, plain, _ = check(runner, "--format", "json", "examples/tenants/violations-tenant.yaml")
    run = validate_sarif(out)["runs"][0]
    findings = json.loads(plain)["results"][0]["findings"]
    assert len(run["results"]) == len(findings)
    for result, finding in zip(run["results"], findings, strict=True):
        location = result["locations"][0]
        assert location["physicalLocation"]["artifactLocation"]["uri"] == "examples/tenants/violations-tenant.yaml"
        assert location["physicalLocation"]["region"] == {"startLine": finding["line"], "startColumn": finding["column"]}
        assert location["logicalLocations"] == [{"fullyQualifiedName": finding["pointer"]}]
        assert result["properties"]["key"] == finding["key"]
        assert result["message"]["text"] == finding["message"]
    prints = [r["partialFingerprints"][sarif.FINGERPRINT_NAME] for r in run["results"]]
    assert len(set(prints)) == len(prints)
    assert run["invocations"] == [{"executionSuccessful": True, "exitCode": 1}]
    assert run["artifacts"][0]["hashes"]["sha-256"] == json.loads(plain)["results"][0]["digest"].removeprefix("sha256:")


def test_sarif_uri_outside_the_working_directory_is_absolute(runner, tmp_path: Path, monkeypatch) -> None:
    elsewhere = tmp_path / "a dir" / "t.json"
    elsewhere.parent.mkdir()
    elsewhere.write_text((EXAMPLES / "acme-tenant.json").read_text())
    monkeypatch.chdir(ROOT)
    run = validate_sarif(check(runner, "--format", "sarif", str(elsewhere))[1])["runs"][0]
    location = run["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"]
    assert location["uri"] == "file://" + str(elsewhere).replace(" ", "%20")
    assert "uriBaseId" not in location


def _sarif_tools(sarif_path: Path, *args: str) -> str:
    done = subprocess.run([sys.executable, "-m", "sarif", *args], capture_output=True, text=True, check=True, cwd=sarif_path.parent)
    return done.stdout


def test_sarif_read_by_sarif_tools_with_the_same_counts(runner, tmp_path: Path, monkeypatch) -> None:
    monkeypatch.chdir(ROOT)
    _, out, _ = check(runner, "--format", "sarif", "examples/tenants", str(BAD))
    _, plain, _ = check(runner, "--format", "json", "examples/tenants", str(BAD))
    summary = json.loads(plain)["summary"]
    path = tmp_path / "wxcc.sarif"
    path.write_text(out)
    invalid_problems = sum((r["parseError"] is not None) + len(r["schemaErrors"]) for r in json.loads(plain)["results"])
    text = _sarif_tools(path, "summary", str(path))
    assert f"error: {summary['error'] + invalid_problems}" in text
    assert f"warning: {summary['warning']}" in text
    assert f"note: {summary['info']}" in text
    _sarif_tools(path, "csv", str(path), "--output", str(tmp_path / "wxcc.csv"))
    with (tmp_path / "wxcc.csv").open() as fh:
        rows = list(csv.DictReader(fh))
    assert len(rows) == summary["error"] + summary["warning"] + summary["info"] + invalid_problems
    assert {row["Location"] for row in rows} >= {"examples/tenants/violations-tenant.yaml", "tests/data/bad/truncated.json"}


def _run_with(findings: tuple[Finding, ...], **extra: Any) -> RunResult:
    rules = (RuleInfo("P-1", "First policy", "error", "d", "r", "m"), RuleInfo("P-2", "Second", "warning"))
    result = FileResult("t.json", "sha256:00", "org-t", "2026-11-20", findings=findings)
    return RunResult("wxcc-policy", "0.1.0", "sha256:ff", 2, "error", (result,), rules=rules, **extra)


def _finding(n: int, **extra: Any) -> Finding:
    return Finding("P-1", "error", f"message {n}", f"/users/{n}", 3 + n, 5, f"P-1:org-t:users/u-{n}", **extra)


def test_sarif_waived_findings_are_suppressed_with_the_justification() -> None:
    waiver = Waiver("waivers.yaml:4:3", "alice@example.com", "migration in progress", "2026-12-31", "CHG-42")
    run = _run_with((_finding(1, waived=True, waiver=waiver), _finding(2)))
    results = validate_sarif(sarif.render(run))["runs"][0]["results"]
    assert results[0]["suppressions"] == [
        {
            "kind": "external",
            "status": "accepted",
            "justification": "migration in progress",
            "location": {
                "physicalLocation": {
                    "artifactLocation": {"uri": "waivers.yaml", "uriBaseId": "%SRCROOT%"},
                    "region": {"startLine": 4, "startColumn": 3},
                }
            },
            "properties": {"owner": "alice@example.com", "expires": "2026-12-31", "reference": "waivers.yaml:4:3", "ticket": "CHG-42"},
        }
    ]
    assert "suppressions" not in results[1]


def test_sarif_baseline_states() -> None:
    states = ("new", "existing", "unchanged", "fixed", "resolved", None)
    run = _run_with(tuple(_finding(n, state=state) for n, state in enumerate(states)))
    results = validate_sarif(sarif.render(run))["runs"][0]["results"]
    assert [r.get("baselineState") for r in results] == ["new", "unchanged", "unchanged", "absent", "absent", None]
    assert [r.get("kind", "fail") for r in results] == ["fail", "fail", "fail", "pass", "pass", "fail"]
    assert [r["level"] for r in results] == ["error", "error", "error", "none", "none", "error"]


def test_sarif_notices_and_evaluation_errors() -> None:
    broken = FileResult("b.json", "sha256:01", "org-b", "2026-11-20", eval_error=Located("division by zero in P-1", 7, 9))
    run = _run_with((_finding(1),), notices=(Notice("warning", "waiver for K expired", "w.yaml:2:5", "waiver-expired", "K"),))
    run = run._replace(results=(*run.results, broken))
    doc = validate_sarif(sarif.render(run))["runs"][0]
    invocation = doc["invocations"][0]
    assert invocation["executionSuccessful"] is False and invocation["exitCode"] == 2
    notification = invocation["toolExecutionNotifications"][0]
    assert notification["descriptor"] == {"id": "waiver-expired"} and notification["level"] == "warning"
    assert doc["results"][-1]["ruleId"] == "EVAL"
    assert doc["results"][-1]["locations"][0]["physicalLocation"]["region"] == {"startLine": 7, "startColumn": 9}


def test_sarif_describes_a_policy_the_run_does_not_list() -> None:
    run = _run_with((_finding(1)._replace(policy="USER-9"),))._replace(rules=())
    doc = validate_sarif(sarif.render(run))["runs"][0]
    assert [r["id"] for r in doc["tool"]["driver"]["rules"]] == ["USER-9", "PARSE", "SCHEMA", "EVAL"]
    assert doc["results"][0]["ruleIndex"] == 0


# --- JUnit --------------------------------------------------------------------------


def test_junit_valid_and_counts_read_by_junitparser(runner, tmp_path: Path, monkeypatch) -> None:
    monkeypatch.chdir(ROOT)
    _, out, _ = check(runner, "--format", "junit", "examples/tenants", str(BAD))
    _, plain, _ = check(runner, "--format", "json", "examples/tenants", str(BAD))
    path = tmp_path / "wxcc.xml"
    path.write_text(out)
    JUNIT_SCHEMA.validate(str(path))
    files = json.loads(plain)["results"]
    suites = list(JUnitXml.fromfile(str(path)))
    assert [s.name for s in suites] == [os.path.relpath(f["file"]) for f in files]
    for suite, file in zip(suites, files, strict=True):
        cases = list(suite)
        invalid = file["parseError"] is not None or bool(file["schemaErrors"])
        assert suite.tests == len(cases)
        assert suite.failures == len(file["findings"]) == sum(any(isinstance(r, Failure) for r in c.result) for c in cases)
        assert suite.errors == int(invalid) == sum(any(isinstance(r, Error) for r in c.result) for c in cases)
        assert suite.skipped == (15 if invalid else 0) == sum(any(isinstance(r, Skipped) for r in c.result) for c in cases)
        assert len(cases) == (16 if invalid else 15 - len({f["policy"] for f in file["findings"]}) + len(file["findings"]))
        properties = {p.name: p.value for p in suite.properties()}
        assert properties.get("tenant") == file["tenant"]


def test_junit_failure_body_names_pointer_and_place(runner, monkeypatch) -> None:
    monkeypatch.chdir(ROOT)
    _, out, _ = check(runner, "--format", "junit", "examples/tenants/violations-tenant.yaml")
    assert (
        '<failure message="User agent7 (u-17) is mapped to Sub-1, which expired on 2026-10-31; remap to Sub-2 (primary) '
        'to keep Agent Desktop access." type="error">examples/tenants/violations-tenant.yaml:10:69: /users/0/subscriptionId</failure>'
    ) in out


def test_junit_waived_known_and_unselected(tmp_path: Path) -> None:
    waiver = Waiver("w.yaml:1:1", "bob", "accepted", "2027-01-01")
    run = _run_with((_finding(1, waived=True, waiver=waiver), _finding(2, state="existing"), _finding(3, state="fixed"), _finding(4)))
    run = run._replace(rules=(run.rules[0], run.rules[1]._replace(enabled=False)))
    path = tmp_path / "r.xml"
    path.write_text(junit.render(run))
    JUNIT_SCHEMA.validate(str(path))
    suite = next(iter(JUnitXml.fromfile(str(path))))
    outcome = {c.name: (type(c.result[0]).__name__ if c.result else "passed", c.result[0].message if c.result else None) for c in suite}
    assert outcome == {
        "P-1:org-t:users/u-1": ("Skipped", "waived: accepted (bob, until 2027-01-01)"),
        "P-1:org-t:users/u-2": ("Skipped", "existing: known before, does not fail the run"),
        "P-1:org-t:users/u-3": ("passed", None),
        "P-1:org-t:users/u-4": ("Failure", "message 4"),
        "P-2": ("Skipped", "not selected (--select / --skip)"),
    }
    assert (suite.tests, suite.failures, suite.errors, suite.skipped) == (5, 1, 0, 3)


def test_junit_notices_are_a_suite_of_their_own(tmp_path: Path) -> None:
    """A CI that reads only JUnit sees what fails the run (an unused waiver with
    --fail-on-unused-waivers) as a failure, and warnings as skipped with their message."""
    notices = (
        Notice("error", "waiver for P-1 matches no finding (bob); remove it", "w.yaml:3:5", "waiver-unused", "P-1:org-t:users/u-9"),
        Notice("warning", "waiver for P-2 expired on 2026-11-01", "w.yaml:9:5", "waiver-expired", "P-2:org-t:users/u-1"),
        Notice("info", "baseline entry P-1:org-t:users/u-3 no longer occurs: fixed", "b.json:4:7", "baseline-fixed", "P-1:org-t:users/u-3"),
    )
    run = _run_with((_finding(1),))._replace(notices=notices, fail_on_notices=True)
    path = tmp_path / "r.xml"
    path.write_text(junit.render(run))
    JUNIT_SCHEMA.validate(str(path))
    suites = list(JUnitXml.fromfile(str(path)))
    assert [s.name for s in suites] == ["t.json", "wxcc-policy run notices"]
    outcome = {c.name: (type(c.result[0]).__name__ if c.result else "passed", c.classname) for c in suites[1]}
    assert outcome == {
        "waiver-unused P-1:org-t:users/u-9": ("Failure", "w.yaml:3:5"),
        "waiver-expired P-2:org-t:users/u-1": ("Skipped", "w.yaml:9:5"),
        "baseline-fixed P-1:org-t:users/u-3": ("passed", "b.json:4:7"),
    }
    assert (suites[1].tests, suites[1].failures, suites[1].errors, suites[1].skipped) == (3, 1, 0, 1)
    assert next(iter(suites[1])).result[0].message == notices[0].message


def test_junit_keeps_xml_well_formed_for_any_message(tmp_path: Path) -> None:
    run = _run_with((_finding(1)._replace(message='a <b> & "c" \x01 \ud800 ]]>'),))
    path = tmp_path / "r.xml"
    path.write_text(junit.render(run), encoding="utf-8")
    JUNIT_SCHEMA.validate(str(path))
    case = next(iter(next(iter(JUnitXml.fromfile(str(path))))))
    assert case.result[0].message == 'a <b> & "c" \ufffd \ufffd ]]>'


# --- GitHub -------------------------------------------------------------------------


def test_github_escaping() -> None:
    finding = _finding(1)._replace(policy="P-1", message="100% sure\r\nnext: a, b")
    result = FileResult("dir,with:odd/t.json", "sha256:00", "org-t", "2026-11-20", findings=(finding,))
    run = _run_with(())._replace(results=(result,))
    lines = github.render(run).splitlines()
    assert lines[0] == "::error file=dir%2Cwith%3Aodd/t.json,line=4,col=5,title=P-1::100%25 sure%0D%0Anext: a, b"
    assert lines[-1] == "1 file checked: 1 error, 0 warnings, 0 info. Failed."


def test_github_severities_states_and_notices() -> None:
    info = _finding(2)._replace(severity="info")
    warning = _finding(3)._replace(severity="warning")
    waived = _finding(4, waived=True)
    known = _finding(5, state="existing")
    notice = Notice("warning", "waiver for K expires soon", "w.yaml:2:5", "waiver-expiring")
    lines = github.render(_run_with((info, warning, waived, known), notices=(notice,))).splitlines()
    assert [line.split(" ", 1)[0] for line in lines[:4]] == ["::notice", "::warning", "::notice", "::warning"]
    assert "title=P-1 (existing)" in lines[2]
    assert lines[3] == "::warning file=w.yaml,line=2,col=5,title=waiver-expiring::waiver for K expires soon"
    assert len(lines) == 5  # the waived finding is not annotated


def test_github_from_the_command_line(runner, monkeypatch) -> None:
    monkeypatch.chdir(ROOT)
    code, out, _ = check(runner, "--format", "github", "examples/tenants/violations-tenant.yaml")
    assert code == 1
    assert "::error file=examples/tenants/violations-tenant.yaml,line=8,col=151,title=WXCC-TEL-001::Subscription Sub-2 uses vpop" in out
    assert out.endswith("Failed.\n")


# --- GitLab -------------------------------------------------------------------------


def test_gitlab_fields_unique_and_stable_fingerprints(runner, tmp_path: Path, monkeypatch) -> None:
    doc = json.loads((EXAMPLES / "acme-tenant.json").read_text())
    doc["users"][0]["subscriptionId"] = "Sub-gone"
    path = tmp_path / "acme.json"
    path.write_text(json.dumps(doc, indent=2))
    monkeypatch.chdir(tmp_path)
    before = json.loads(check(runner, "--format", "gitlab", "acme.json")[1])
    doc["users"].reverse()
    path.write_text(json.dumps(doc, indent=1))
    after = json.loads(check(runner, "--format", "gitlab", "acme.json")[1])
    assert len(before) >= 2
    for issue in before:
        assert set(issue) >= {"description", "check_name", "fingerprint", "severity", "location"}
        assert issue["severity"] in {"info", "minor", "major", "critical", "blocker"}
        assert issue["location"]["path"] == "acme.json" and issue["location"]["lines"]["begin"] >= 1
    assert len({i["fingerprint"] for i in before}) == len(before)
    by_print = {i["fingerprint"]: i["description"] for i in before}
    assert by_print == {i["fingerprint"]: i["description"] for i in after}  # same findings, same fingerprints
    assert [i["location"]["lines"]["begin"] for i in before] != [i["location"]["lines"]["begin"] for i in after]


def test_gitlab_input_errors_are_blockers_and_duplicates_stay_unique(runner, monkeypatch) -> None:
    monkeypatch.chdir(ROOT)
    issues = json.loads(check(runner, "--format", "gitlab", str(BAD))[1])
    assert {i["severity"] for i in issues} == {"blocker"}
    assert len({i["fingerprint"] for i in issues}) == len(issues)
    twice = gitlab.as_list(_run_with((_finding(1), _finding(1))))
    assert twice[0]["fingerprint"] != twice[1]["fingerprint"]


def test_gitlab_leaves_out_waived_and_fixed() -> None:
    issues = gitlab.as_list(_run_with((_finding(1, waived=True), _finding(2, state="fixed"), _finding(3, state="existing"))))
    assert [i["description"] for i in issues] == ["message 3"]


def test_junit_evaluation_error_is_an_error_and_unjudged_policies_are_skipped(tmp_path: Path) -> None:
    broken = FileResult("b.json", "sha256:01", "org-b", "2026-11-20", findings=(_finding(1),), eval_error=Located("P-2 failed: x", 7, 9))
    run = _run_with(())._replace(results=(broken,))
    path = tmp_path / "r.xml"
    path.write_text(junit.render(run))
    JUNIT_SCHEMA.validate(str(path))
    suite = next(iter(JUnitXml.fromfile(str(path))))
    outcome = {c.name: type(c.result[0]).__name__ for c in suite}
    assert outcome == {"EVAL": "Error", "P-1:org-t:users/u-1": "Failure", "P-2": "Skipped"}
    assert (suite.tests, suite.failures, suite.errors, suite.skipped) == (3, 1, 1, 1)


def test_upcoming_findings_do_not_fail_in_any_format(tmp_path: Path) -> None:
    upcoming = _finding(1, state="upcoming")._replace(severity="info", message="from 2027-01-01: error message 1")
    run = _run_with((upcoming,))
    assert "baselineState" not in validate_sarif(sarif.render(run))["runs"][0]["results"][0]
    assert github.render(run).startswith("::notice file=t.json,line=4,col=5,title=P-1 (upcoming)::from 2027-01-01")
    path = tmp_path / "r.xml"
    path.write_text(junit.render(run))
    case = next(iter(next(iter(JUnitXml.fromfile(str(path))))))
    assert isinstance(case.result[0], Skipped) and case.result[0].message.startswith("upcoming: from 2027-01-01")


def test_sarif_fingerprints_survive_reordering(runner, tmp_path: Path, monkeypatch) -> None:
    doc = json.loads((EXAMPLES / "acme-tenant.json").read_text())
    doc["users"][0]["subscriptionId"] = "Sub-gone"
    path = tmp_path / "acme.json"
    monkeypatch.chdir(tmp_path)

    def fingerprints() -> dict[str, str]:
        results = validate_sarif(check(runner, "--format", "sarif", "acme.json")[1])["runs"][0]["results"]
        return {r["partialFingerprints"][sarif.FINGERPRINT_NAME]: r["message"]["text"] for r in results}

    path.write_text(json.dumps(doc, indent=2))
    before = fingerprints()
    doc["users"].reverse()
    doc["subscriptions"].reverse()
    path.write_text(json.dumps(doc, indent=1))
    assert len(before) >= 2 and fingerprints() == before

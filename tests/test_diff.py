"""`diff BEFORE AFTER`: findings classified by key into new, unchanged and resolved; the
exit code gates on new findings (or every AFTER finding with --gate all)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import yaml
from conftest import ROOT, minimal_snapshot, run_cli

SCHEMA = json.loads((ROOT / "schemas" / "diff.schema.json").read_text())


def _write(path: Path, doc: dict[str, Any]) -> str:
    if path.suffix == ".yaml":
        path.write_text(yaml.safe_dump(doc, sort_keys=False))
    else:
        path.write_text(json.dumps(doc, indent=2))
    return str(path)


def _diff(runner: Any, *args: str) -> tuple[int, dict[str, Any]]:
    code, out, _ = run_cli(runner, "diff", "--format", "json", *args)
    result = json.loads(out)
    jsonschema.Draft202012Validator(SCHEMA, format_checker=jsonschema.FormatChecker()).validate(result)
    return code, result


def _states(result: dict[str, Any]) -> list[tuple[str, str]]:
    return [(f["state"], f["key"]) for f in result["changes"][0]["findings"]]


def test_reordering_arrays_is_no_change(runner: Any, tmp_path: Path) -> None:
    doc = minimal_snapshot()
    before = _write(tmp_path / "before.json", doc)
    doc["users"].reverse()
    doc["subscriptions"].reverse()
    doc["usage"].reverse()
    after = _write(tmp_path / "after.yaml", doc)  # and JSON against YAML
    code, result = _diff(runner, before, after)
    assert code == 0
    assert {state for state, _ in _states(result)} == {"unchanged"}
    assert result["changes"][0]["summary"] == {"new": 0, "unchanged": 1, "resolved": 0, "failing": 0, "passed": True}


def test_new_resolved_unchanged_located_in_their_files(runner: Any, tmp_path: Path) -> None:
    doc = minimal_snapshot()
    before = _write(tmp_path / "before.json", doc)
    doc["users"][0]["subscriptionId"] = "Sub-999"  # new error
    doc["users"][2]["subscriptionId"] = "Sub-100"  # resolves the warning on u-agent-2
    after = _write(tmp_path / "after.json", doc)
    code, result = _diff(runner, before, after)
    assert code == 1
    findings = result["changes"][0]["findings"]
    assert _states(result) == [
        ("new", "WXCC-ACC-001:org-acme-7f3a:users/u-admin-1"),
        ("resolved", "WXCC-ACC-002:org-acme-7f3a:users/u-agent-2"),
    ]
    new, resolved = findings
    assert new["file"] == after and new["pointer"] == "/users/0/subscriptionId"
    lines = Path(after).read_text().splitlines()
    line = next(i for i, text in enumerate(lines, start=1) if '"Sub-999"' in text)
    assert (new["line"], new["column"]) == (line, lines[line - 1].index('"Sub-999"') + 1)
    assert resolved["file"] == before and resolved["pointer"] == "/users/2/subscriptionId"
    assert result["changes"][0]["summary"]["failing"] == 1


def test_a_change_that_fixes_an_old_problem_passes(runner: Any, tmp_path: Path) -> None:
    doc = minimal_snapshot()
    doc["users"][0]["subscriptionId"] = "Sub-999"
    doc["users"][1]["subscriptionId"] = "Sub-998"
    before = _write(tmp_path / "before.json", doc)
    doc["users"][0]["subscriptionId"] = "Sub-100"  # fixes one, leaves the other
    after = _write(tmp_path / "after.json", doc)
    code, result = _diff(runner, before, after)
    assert code == 0
    assert ("resolved", "WXCC-ACC-001:org-acme-7f3a:users/u-admin-1") in _states(result)
    assert ("unchanged", "WXCC-ACC-001:org-acme-7f3a:users/u-agent-1") in _states(result)
    code, result = _diff(runner, "--gate", "all", before, after)
    assert code == 1 and result["gate"] == "all" and result["changes"][0]["summary"]["failing"] == 1


def test_fail_on_and_changed_messages(runner: Any, tmp_path: Path) -> None:
    doc = minimal_snapshot()
    before = _write(tmp_path / "before.json", doc)
    doc["subscriptions"][1]["endDate"] = "2026-12-05"  # the warning stays, its message changes
    doc["users"][1]["subscriptionId"] = "Sub-200"  # a new warning
    after = _write(tmp_path / "after.json", doc)
    code, result = _diff(runner, before, after)
    assert code == 0  # new warnings do not fail at the default --fail-on error
    unchanged = next(f for f in result["changes"][0]["findings"] if f["state"] == "unchanged")
    assert unchanged["previous"]["message"] != unchanged["message"] and "2026-12-10" in unchanged["previous"]["message"]
    assert _diff(runner, "--fail-on", "warning", before, after)[0] == 1
    code, text, _ = run_cli(runner, "diff", before, after)
    assert "(was warning: User agent2@acme.example" in text
    assert text.splitlines()[-1].endswith("1 new, 1 unchanged, 0 resolved. Passed.")


def test_both_evaluated_on_one_date(runner: Any, tmp_path: Path) -> None:
    doc = minimal_snapshot()
    before = _write(tmp_path / "before.json", doc)
    doc["capturedAt"] = "2027-03-01T00:00:00Z"  # the same tenant captured later
    after = _write(tmp_path / "after.json", doc)
    code, result = _diff(runner, before, after)
    change = result["changes"][0]
    assert change["before"]["asOf"] == change["after"]["asOf"] == "2027-03-01"
    assert {s for s, _ in _states(result)} <= {"unchanged", "new", "resolved"}
    code, result = _diff(runner, "--as-of", "2026-11-20", before, after)
    assert result["changes"][0]["before"]["asOf"] == "2026-11-20" and code == 0


def test_different_tenants_are_an_error(runner: Any, tmp_path: Path) -> None:
    doc = minimal_snapshot()
    before = _write(tmp_path / "before.json", doc)
    doc["tenant"]["id"] = "org-other"
    after = _write(tmp_path / "after.json", doc)
    code, out, err = run_cli(runner, "diff", before, after)
    assert code == 2 and out == ""
    assert f"{after}: the snapshots are of different tenants ('org-acme-7f3a' in {before}, 'org-other' here)" in err


@pytest.mark.parametrize("bad", ["truncated.json", "schema-errors.json"])
def test_invalid_inputs_are_located(runner: Any, tmp_path: Path, bad: str) -> None:
    before = _write(tmp_path / "before.json", minimal_snapshot())
    path = str(ROOT / "tests" / "data" / "bad" / bad)
    code, out, _ = run_cli(runner, "diff", before, path)
    assert code == 1
    assert out.startswith(f"{path}:") and (" PARSE " in out or " SCHEMA " in out)
    assert out.splitlines()[-1].endswith("invalid input. Failed.")


def test_missing_file(runner: Any, tmp_path: Path) -> None:
    before = _write(tmp_path / "before.json", minimal_snapshot())
    code, out, err = run_cli(runner, "diff", before, str(tmp_path / "nope.json"))
    assert code in (1, 2) and "nope.json" in out + err and "cannot read" in out + err


def test_sarif_baseline_states(runner: Any, tmp_path: Path) -> None:
    doc = minimal_snapshot()
    before = _write(tmp_path / "before.json", doc)
    doc["users"][0]["subscriptionId"] = "Sub-999"
    doc["users"][2]["subscriptionId"] = "Sub-100"
    doc["users"].append({"id": "u-x", "email": "x@acme.example", "roles": ["agent"], "subscriptionId": "Sub-998"})
    after = _write(tmp_path / "after.json", doc)
    code, out, _ = run_cli(runner, "diff", "--format", "sarif", before, after)
    sarif = json.loads(out)
    schema = json.loads((ROOT / "tests" / "data" / "external" / "sarif-schema-2.1.0.json").read_text())
    jsonschema.Draft7Validator(schema).validate(sarif)
    results = sarif["runs"][0]["results"]
    states = sorted((r["ruleId"], r["baselineState"], r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]) for r in results)
    assert states == [
        ("WXCC-ACC-001", "new", Path(after).as_uri()),
        ("WXCC-ACC-001", "new", Path(after).as_uri()),
        ("WXCC-ACC-002", "absent", Path(before).as_uri()),
    ]
    assert code == 1

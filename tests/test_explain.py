"""`wxcc-policy explain`: documentation, and why findings fired, from the facts they used."""

from __future__ import annotations

from pathlib import Path

from conftest import EXAMPLES, run_cli

VIOLATIONS = str(EXAMPLES / "violations-tenant.yaml")


def test_policy_documentation_shows_parameters_in_effect(runner, tmp_path: Path, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / ".wxcc-policy.yaml").write_text("parameters:\n  expiryWarningDays: 45\n")
    code, out, _ = run_cli(runner, "explain", "WXCC-ACC-002")
    assert code == 0
    assert out.startswith("WXCC-ACC-002 (warning): Users are remapped before their subscription ends")
    assert "expiryWarningDays = 45 (default 30)" in out
    assert "Rationale: " in out and "[6]" in out
    assert "primaryOn(d): The primary subscription on date d" in out


def test_finding_is_explained_by_its_derivation(runner) -> None:
    code, out, _ = run_cli(runner, "explain", "WXCC-BIL-002", VIOLATIONS)
    assert code == 0
    assert "used 27 standardAgent against 25 entitled (Sub-1: 10, Sub-2: 15): 2 billable, 5 charged" in out
    assert "referenceDate(2026-10) = 2026-10-31" in out
    assert "entitledOn(standardAgent, 2026-10-31) = 25" in out
    assert "activeOn(2026-10-31) = [Sub-1, Sub-2]" in out
    assert "Failed condition: charged <= billable  →  false" in out


def test_explain_one_finding_by_key(runner) -> None:
    key = "WXCC-ACC-001:org-x:users/u-17"
    code, out, _ = run_cli(runner, "explain", "WXCC-ACC-001", VIOLATIONS, "--key", key)
    assert code == 0 and f"key {key}" in out
    assert "activeIdsOn(2026-11-20) = [Sub-2]" in out
    code, out, _ = run_cli(runner, "explain", "WXCC-ACC-001", VIOLATIONS, "--key", "nope")
    assert code == 1 and key in out


def test_explain_why_nothing_fired(runner) -> None:
    code, out, _ = run_cli(runner, "explain", "WXCC-PRT-001", str(EXAMPLES / "acme-tenant.json"))
    assert code == 0
    assert "No finding: 2 partner element(s) examined, 0 of them selected by `where`" in out


def test_explain_as_of_changes_the_answer(runner) -> None:
    code, out, _ = run_cli(runner, "explain", "WXCC-ACC-001", str(EXAMPLES / "acme-tenant.json"), "--as-of", "2027-02-01")
    assert code == 0 and "as of 2027-02-01: 3 finding(s)" in out


def test_unknown_policy(runner) -> None:
    code, _, err = run_cli(runner, "explain", "WXCC-ACC-01")
    assert code == 2 and "did you mean 'WXCC-ACC-001'" in err


def test_explain_a_nested_for_each(runner, tmp_path: Path) -> None:
    import json

    doc = json.loads((EXAMPLES / "acme-tenant.json").read_text())
    doc["users"].append(dict(doc["users"][0]))
    path = tmp_path / "dup.json"
    path.write_text(json.dumps(doc, indent=2))
    code, out, _ = run_cli(runner, "explain", "WXCC-DAT-001", str(path))
    assert code == 0
    assert "/users/3/id" in out and "collection = users" in out and "repeat = {item: u-admin" in out

"""Impact as policy data (issue 19): a policy declares what one finding costs, in units of a
measure it names; the engine only sums the values, per tenant and over the portfolio, in
every report format and in `check --format json`."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

from conftest import EXAMPLES, minimal_snapshot, run_cli

EPOCH = "1795000000"

# Each user without an email costs one "mailboxes missing", and each user's roles count
# toward "roles to review": a constant and an expression over the finding's bindings.
POLICY = """\
id: TEST-IMP-001
title: Users have an email address
severity: error
description: Every user has an email address.
rationale: Mail is how the tenant reaches them.
remediation: Set the email.
impact: {measure: mailboxes missing, value: %s}
forEach:
  as: user
  in: users
assert: "user.email != null and user.email != ''"
report:
  at: user
  key: "users/{user.id}"
  message: User {user.id} has no email.
"""


def _policy_dir(tmp_path: Path, value: str) -> Path:
    directory = tmp_path / "policies"
    directory.mkdir()
    (directory / "TEST-IMP-001.yaml").write_text(POLICY % value)
    return directory


def _tenants(tmp_path: Path, missing: list[int]) -> Path:
    """One tenant per entry, `missing` of its users without an email."""
    directory = tmp_path / "tenants"
    directory.mkdir()
    for i, n in enumerate(missing):
        doc = minimal_snapshot()
        doc["tenant"] = {**doc["tenant"], "id": f"org-{i}"}
        for user in doc["users"][:n]:
            user.pop("email", None)
        (directory / f"t{i}.json").write_text(json.dumps(doc, indent=2))
    return directory


def _users(path: Path) -> int:
    return len(json.loads(path.read_text())["users"])


def test_impact_is_summed_per_tenant_and_per_measure_in_every_format(runner, tmp_path, monkeypatch) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)
    policies = _policy_dir(tmp_path, '"2 * count(user.roles)"')
    tenants = _tenants(tmp_path, [2, 0, 1])
    base = ("report", "--quiet", "--policy-dir", str(policies), "--select", "TEST-IMP-001", str(tenants))
    outputs = {fmt: tmp_path / f"r.{fmt}" for fmt in ("json", "md", "csv", "html")}
    for out in outputs.values():
        assert run_cli(runner, *base, "-o", str(out))[0] == 1
    data = json.loads(outputs["json"].read_text())
    findings = [f for r in data["results"] for f in r["findings"]]
    expected = sum(f["impact"]["value"] for f in findings)
    assert len(findings) == 3 and expected > 0 and all(f["impact"]["measure"] == "mailboxes missing" for f in findings)
    agg = data["portfolio"]["aggregates"]
    assert agg["impact"] == [{"measure": "mailboxes missing", "value": expected, "tenants": 2}]
    per_tenant = {row["file"].rsplit("/", 1)[-1]: row["impact"]["mailboxes missing"] for row in agg["impactByTenant"]}
    assert sorted(per_tenant) == ["t0.json", "t2.json"] and sum(per_tenant.values()) == expected
    assert data["portfolio"]["policies"][0]["impact"] == "mailboxes missing"
    markdown = outputs["md"].read_text()
    assert f"| mailboxes missing | {expected} | 2 |" in markdown
    rows = list(csv.DictReader(io.StringIO(outputs["csv"].read_text(), newline="")))
    assert sum(int(r["impact_value"]) for r in rows if r["impact_measure"] == "mailboxes missing") == expected
    html = outputs["html"].read_text()
    assert 'id="impact"' in html and f"<strong>{expected}</strong> mailboxes missing (in 2 tenants)" in html
    assert f"{per_tenant['t0.json']} mailboxes missing" in html


def test_the_built_in_policies_declare_impact_and_check_json_carries_it(runner) -> None:
    _, out, _ = run_cli(runner, "check", "--format", "json", str(EXAMPLES / "violations-tenant.yaml"))
    impacts = {f["policy"]: f["impact"] for r in json.loads(out)["results"] for f in r["findings"] if "impact" in f}
    assert impacts["WXCC-ACC-001"] == {"measure": "users without access", "value": 1}
    assert impacts["WXCC-BIL-002"]["measure"] == "overage units overcharged" and impacts["WXCC-BIL-002"]["value"] == 3
    assert "WXCC-TEL-001" not in impacts  # a policy without a countable cost declares none


def test_a_value_that_is_not_a_number_is_a_located_one_line_error(runner, tmp_path) -> None:
    policies = _policy_dir(tmp_path, '"user.id"')
    tenants = _tenants(tmp_path, [1])
    code, out, err = run_cli(runner, "check", "--policy-dir", str(policies), "--select", "TEST-IMP-001", str(tenants))
    assert code == 2 and err == ""
    [line] = [line for line in out.splitlines() if "EVAL" in line]  # the file's one-line error, the policy located
    assert "impact.value must give a number, not a string" in line and "TEST-IMP-001.yaml:7:45" in line


def test_an_impact_without_a_measure_is_refused_at_load(runner, tmp_path) -> None:
    directory = tmp_path / "policies"
    directory.mkdir()
    (directory / "TEST-IMP-001.yaml").write_text((POLICY % "1").replace("{measure: mailboxes missing, value: 1}", "{value: 1}"))
    code, _, err = run_cli(runner, "check", "--policy-dir", str(directory), str(EXAMPLES / "acme-tenant.json"))
    assert code == 2 and "TEST-IMP-001.yaml:7:" in err and "measure" in err


def test_the_catalog_shows_each_policy_s_impact(runner) -> None:
    code, out, _ = run_cli(runner, "policies", "--format", "json")
    by_id = {p["id"]: p for p in json.loads(out)["policies"]}
    assert code == 0 and by_id["WXCC-BIL-002"]["impact"] == {"measure": "overage units overcharged", "value": "charged - billable"}
    assert by_id["WXCC-TEL-001"]["impact"] is None
    _, markdown, _ = run_cli(runner, "policies", "--format", "markdown")
    assert "*Impact.* Each finding counts in *users without access*: `1`." in markdown

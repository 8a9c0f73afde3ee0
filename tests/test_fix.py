"""`wxcc-policy fix`: the proved change, end to end through the CLI (issue 20)."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path
from typing import Any

import pytest
import yaml
from conftest import ROOT, _benchmark_module, examples, run_cli
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

VIOLATIONS = ROOT / "examples" / "tenants" / "violations-tenant.yaml"


def _keys(check_json: str) -> set[str]:
    return {f["key"] for r in json.loads(check_json)["results"] for f in r["findings"]}


def _fixed_keys(yaml_change: str) -> set[str]:
    """The findings a YAML change says its operations fix (its `# fixes KEY: ...` comments)."""
    return set(re.findall(r"^# fixes (\S+): ", yaml_change, flags=re.M))


def _check_keys(runner: Any, path: Path, *options: str) -> set[str]:
    code, out, err = run_cli(runner, "check", str(path), "--format", "json", *options)
    assert code in (0, 1), err
    return _keys(out)


# -- the property: fix, then check, leaves exactly the findings that have no fix ----------------


@st.composite
def damaged_tenant(draw: st.DrawFn) -> dict[str, Any]:
    """A generated tenant, with stale statuses and misdirected or excessive overage drawn on top."""
    doc = _benchmark_module("generate").generate(
        draw(st.integers(3, 25)),
        draw(st.integers(2, 5)),
        draw(st.integers(1, 3)),
        draw(st.sampled_from([0.0, 0.2, 0.5])),
        draw(st.integers(0, 10_000)),
    )
    ids = [s["id"] for s in doc["subscriptions"]]
    for sub in doc["subscriptions"]:
        if draw(st.booleans()):
            sub["status"] = draw(st.sampled_from(["active", "expired"]))
    for charge in doc["overages"]:
        if draw(st.booleans()):
            charge["subscriptionId"] = draw(st.sampled_from(ids))
        charge["quantity"] += draw(st.integers(0, 5))
    return doc


@settings(max_examples=examples(40), deadline=None, database=None, derandomize=True, suppress_health_check=list(HealthCheck))
@given(doc=damaged_tenant())
def test_fix_then_check_leaves_the_findings_without_a_fix(runner, tmp_path_factory, doc) -> None:
    work = tmp_path_factory.mktemp("fix")
    snapshot, change, after = work / "t.json", work / "t.change.yaml", work / "after.json"
    snapshot.write_text(json.dumps(doc, indent=2))
    before = _check_keys(runner, snapshot)
    code, _, err = run_cli(runner, "fix", str(snapshot), "--format", "yaml", "-o", str(change))
    assert code in (0, 1), err
    fixed = _fixed_keys(change.read_text())
    assert fixed <= before
    code, out, err = run_cli(runner, "plan", str(snapshot), str(change), "--format", "json", "--gate", "all", "--write-after", str(after))
    assert code in (0, 1), err
    planned = json.loads(out)["changes"][0]
    assert planned["errors"] == [] and planned["summary"]["new"] == 0, planned
    assert _check_keys(runner, after) == before - fixed
    code, out, _ = run_cli(runner, "fix", str(after))
    assert json.loads(out) == []  # once applied, the change is empty


# -- the command ----------------------------------------------------------------------------------


def test_fix_writes_a_json_patch_that_plan_accepts(runner, tmp_path) -> None:
    snapshot = tmp_path / "v.yaml"
    shutil.copy(VIOLATIONS, snapshot)
    code, out, err = run_cli(runner, "fix", str(snapshot))
    patch = json.loads(out)
    assert patch and all(set(op) == {"op", "path", "value"} for op in patch)
    assert code == 1  # WXCC-TEL-001 has no fix: it remains
    assert "finding(s) remain" in err
    (tmp_path / "v.change.json").write_text(out)
    code, out, err = run_cli(runner, "plan", str(snapshot), str(tmp_path / "v.change.json"))
    assert code == 0, out + err


def test_exit_code_is_0_when_nothing_at_fail_on_remains(runner, tmp_path) -> None:
    snapshot = tmp_path / "v.yaml"
    shutil.copy(VIOLATIONS, snapshot)
    code, _, _ = run_cli(runner, "fix", str(snapshot), "--skip", "WXCC-TEL-001")
    assert code == 0
    code, _, _ = run_cli(runner, "fix", str(snapshot), "--fail-on", "info")
    assert code == 1


def test_select_and_skip_narrow_the_fixes(runner, tmp_path) -> None:
    snapshot = tmp_path / "v.yaml"
    shutil.copy(VIOLATIONS, snapshot)
    _, out, _ = run_cli(runner, "fix", str(snapshot), "--select", "WXCC-ACC-001", "--format", "yaml")
    assert {k.split(":")[0] for k in _fixed_keys(out)} == {"WXCC-ACC-001"}
    _, out, _ = run_cli(runner, "fix", str(snapshot), "--skip", "WXCC-ACC-001", "--format", "yaml")
    assert "WXCC-ACC-001" not in {k.split(":")[0] for k in _fixed_keys(out)} and _fixed_keys(out)


def test_yaml_change_is_the_same_patch_with_comments(runner, tmp_path) -> None:
    _, as_json, _ = run_cli(runner, "fix", str(VIOLATIONS))
    _, as_yaml, _ = run_cli(runner, "fix", str(VIOLATIONS), "--format", "yaml")
    assert yaml.safe_load(as_yaml) == json.loads(as_json)
    assert as_yaml.count("# fixes ") == len(_fixed_keys(as_yaml)) > 0


def test_several_snapshots_need_paired_and_o_takes_one(runner, tmp_path) -> None:
    a, b = tmp_path / "a.yaml", tmp_path / "b.yaml"
    shutil.copy(VIOLATIONS, a)
    shutil.copy(VIOLATIONS, b)
    code, _, err = run_cli(runner, "fix", str(a), str(b), "-o", str(tmp_path / "x.json"))
    assert code == 2 and "one snapshot" in err
    assert not (tmp_path / "x.json").exists()
    code, _, err = run_cli(runner, "fix", str(a), str(b), "--paired", "-o", str(tmp_path / "x.json"))
    assert code == 2 and "-o" in err


def test_paired_writes_beside_each_snapshot_and_refuses_to_replace(runner, tmp_path) -> None:
    for name in ("a", "b"):
        shutil.copy(VIOLATIONS, tmp_path / f"{name}.yaml")
    code, _, err = run_cli(runner, "fix", str(tmp_path), "--paired")
    assert code == 1, err
    written = {p.name: p.read_bytes() for p in tmp_path.glob("*.change.json")}
    assert set(written) == {"a.change.json", "b.change.json"}
    code, out, err = run_cli(runner, "plan", "--paired", str(tmp_path))
    assert code == 0, out + err
    (tmp_path / "a.change.json").write_text("[]\n")
    code, _, err = run_cli(runner, "fix", str(tmp_path), "--paired")
    assert code == 2 and "--force" in err and "a.change.json" in err
    assert (tmp_path / "a.change.json").read_text() == "[]\n"  # refused: nothing replaced
    code, _, _ = run_cli(runner, "fix", str(tmp_path), "--paired", "--force")
    assert code == 1 and (tmp_path / "a.change.json").read_bytes() == written["a.change.json"]


def test_the_snapshot_is_never_written_without_in_place(runner, tmp_path) -> None:
    snapshot = tmp_path / "v.yaml"
    shutil.copy(VIOLATIONS, snapshot)
    run_cli(runner, "fix", str(snapshot), "-o", str(tmp_path / "c.json"))
    assert snapshot.read_bytes() == VIOLATIONS.read_bytes()


def test_in_place_edits_only_the_fixed_values_and_a_second_fix_is_empty(runner, tmp_path) -> None:
    snapshot = tmp_path / "v.yaml"
    shutil.copy(VIOLATIONS, snapshot)
    _, patch, _ = run_cli(runner, "fix", str(snapshot))
    code, _, err = run_cli(runner, "fix", str(snapshot), "--in-place")
    assert code == 1, err
    old, new = VIOLATIONS.read_text().splitlines(), snapshot.read_text().splitlines()
    changed = [i for i, (x, y) in enumerate(zip(old, new, strict=True)) if x != y]
    assert 0 < len(changed) <= len(json.loads(patch))
    _, out, _ = run_cli(runner, "fix", str(snapshot))
    assert json.loads(out) == []


# -- the proof: conflicts, unsafe fixes, choices ---------------------------------------------------

_OWN_POLICY = """\
id: TEST-FIX-{n}
title: A test policy with a fix
severity: {severity}
description: Every user's subscriptionId is {want}.
rationale: For the test.
remediation: Set it.
forEach:
  as: user
  in: users
assert: "user.subscriptionId == '{want}'"
report:
  at: user
  field: subscriptionId
  key: "users/{{user.id}}"
  message: "{{user.id}} is not on {want}"
fix:
  operations:
    - op: replace
      at: user
      field: subscriptionId
      value: "'{want}'"
"""


def _policy_dir(tmp_path: Path, *policies: str) -> Path:
    directory = tmp_path / "policies"
    directory.mkdir()
    for i, text in enumerate(policies):
        (directory / f"p{i}.yaml").write_text(text)
    return directory


def _acme(tmp_path: Path) -> Path:
    snapshot = tmp_path / "acme.json"
    shutil.copy(ROOT / "examples" / "tenants" / "acme-tenant.json", snapshot)
    return snapshot


def test_two_fixes_of_one_value_are_never_both_applied(runner, tmp_path) -> None:
    policies = _policy_dir(
        tmp_path,
        _OWN_POLICY.format(n=1, severity="info", want="Sub-1"),
        _OWN_POLICY.format(n=2, severity="info", want="Sub-2"),
    )
    snapshot = _acme(tmp_path)
    own = ("--policy-dir", str(policies), "--select", "TEST-FIX-1", "--select", "TEST-FIX-2")
    code, out, err = run_cli(runner, "fix", str(snapshot), *own, "--format", "yaml", "--fail-on", "info")
    assert code == 1  # the fix left out leaves its finding
    written = [op["path"] for op in yaml.safe_load(out) or []]
    assert len(written) == len(set(written)) > 0
    assert "conflicts with the fix of" in err


def test_a_fix_that_would_add_a_finding_is_left_out_and_reported(runner, tmp_path) -> None:
    """Remapping every user to the cancelled or unknown Sub-9 would add WXCC-ACC-001 findings."""
    policies = _policy_dir(tmp_path, _OWN_POLICY.format(n=1, severity="info", want="Sub-9"))
    snapshot = _acme(tmp_path)
    _code, out, err = run_cli(runner, "fix", str(snapshot), "--policy-dir", str(policies))
    assert json.loads(out) == []
    assert re.search(r"no safe fix for TEST-FIX-1:\S+: it would add WXCC-ACC-001", err), err


_CHOICE_POLICY = """\
id: TEST-CHOICE-1
title: Users name a subscription
severity: warning
description: Every user names a subscription of the tenant other than Sub-0.
rationale: For the test.
remediation: Pick one.
forEach:
  as: user
  in: users
assert: "user.subscriptionId != 'Sub-0'"
report:
  at: user
  field: subscriptionId
  key: "users/{user.id}"
  message: "{user.id} names Sub-0"
fix:
  choose:
    as: target
    from: "map(filter(subscriptions, s -> s.status == 'active'), s -> s.id)"
  operations:
    - op: replace
      at: user
      field: subscriptionId
      value: target
"""


def test_a_choice_names_its_candidates_and_writes_nothing(runner, tmp_path) -> None:
    doc = json.loads((ROOT / "examples" / "tenants" / "acme-tenant.json").read_text())
    doc["users"][0]["subscriptionId"] = "Sub-0"
    snapshot = tmp_path / "t.json"
    snapshot.write_text(json.dumps(doc))
    policies = _policy_dir(tmp_path, _CHOICE_POLICY)
    active = [s["id"] for s in doc["subscriptions"] if s["status"] == "active"]
    assert len(active) > 1
    code, out, err = run_cli(runner, "fix", str(snapshot), "--policy-dir", str(policies), "--select", "TEST-CHOICE-1")
    assert code == 0 and json.loads(out) == []  # a warning remains: below --fail-on
    assert "needs a choice, one of " + ", ".join(json.dumps(a) for a in active) in err
    _code, out, _ = run_cli(runner, "explain", "TEST-CHOICE-1", str(snapshot), "--policy-dir", str(policies), "--format", "json")
    assert json.loads(out)["findings"][0]["fix"] == {"operations": [], "candidates": active}


def test_a_fix_that_does_not_name_a_document_element_is_refused_at_load(runner, tmp_path) -> None:
    bad = _OWN_POLICY.format(n=1, severity="info", want="Sub-1").replace("      at: user\n      field", "      at: \"'x'\"\n      field")
    policies = _policy_dir(tmp_path, bad)
    code, _, err = run_cli(runner, "fix", str(_acme(tmp_path)), "--policy-dir", str(policies))
    assert code == 2 and re.search(r"p0\.yaml:\d+:\d+: a fix's at must be an element", err), err


@pytest.mark.parametrize("change", ["value: \"'x'\"", ""])
def test_a_remove_takes_no_value_and_a_replace_needs_one(runner, tmp_path, change) -> None:
    text = _OWN_POLICY.format(n=1, severity="info", want="Sub-1")
    text = text.replace("op: replace", "op: remove") if change else text.replace("      value: \"'Sub-1'\"\n", "")
    code, _, err = run_cli(runner, "fix", str(_acme(tmp_path)), "--policy-dir", str(_policy_dir(tmp_path, text)))
    assert code == 2 and ("takes no value" in err if change else "needs a value" in err), err


# -- a user's own fix, written as docs/policy-language.md shows it --------------------------------


def _doc_blocks(kind: str) -> list[str]:
    text = (ROOT / "docs" / "policy-language.md").read_text()
    return re.findall(rf"```{kind}\n(.*?)```", text, flags=re.S)


def test_the_worked_example_of_the_docs_runs_as_shown(runner, tmp_path, monkeypatch) -> None:
    policy = next(b for b in _doc_blocks("yaml") if b.startswith("id: ACME-SUP-001"))
    console = next(b for b in _doc_blocks("console") if "wxcc-policy fix examples/tenants/acme-tenant.json" in b)
    command, _, expected = console.partition("\n")
    (tmp_path / "company-policies").mkdir()
    (tmp_path / "company-policies" / "ACME-SUP-001.yaml").write_text(policy)
    shutil.copytree(ROOT / "examples", tmp_path / "examples")
    monkeypatch.chdir(tmp_path)
    code, out, err = run_cli(runner, *command.removeprefix("$ wxcc-policy ").split())
    assert code == 0, err
    assert out == expected
    code, _, err = run_cli(runner, "fix", "examples/tenants/acme-tenant.json", "--policy-dir", "company-policies", "-o", "acme.change.json")
    code, out, err = run_cli(runner, "plan", "examples/tenants/acme-tenant.json", "acme.change.json", "--policy-dir", "company-policies")
    assert code == 0 and "0 new" in out, out + err


def test_in_place_refuses_a_snapshot_with_a_second_hard_link(runner, tmp_path) -> None:
    snapshot = tmp_path / "v.yaml"
    shutil.copy(VIOLATIONS, snapshot)
    (tmp_path / "other-name.yaml").hardlink_to(snapshot)
    code, _, err = run_cli(runner, "fix", str(snapshot), "--in-place")
    assert code == 2 and "hard link" in err, err
    assert snapshot.read_bytes() == VIOLATIONS.read_bytes()


def test_in_place_takes_no_output_and_no_format(runner, tmp_path) -> None:
    snapshot = tmp_path / "v.yaml"
    shutil.copy(VIOLATIONS, snapshot)
    for extra in (("-o", str(tmp_path / "c.json")), ("--format", "yaml"), ("--paired",)):
        code, _, err = run_cli(runner, "fix", str(snapshot), "--in-place", *extra)
        assert code == 2, (extra, err)
    assert snapshot.read_bytes() == VIOLATIONS.read_bytes()


def test_a_snapshot_that_cannot_be_fixed_says_why_and_fails(runner, tmp_path) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text('{"snapshotVersion": "1",\n  "users": [}\n')
    code, out, err = run_cli(runner, "fix", str(bad))
    assert code == 1 and json.loads(out) == []
    assert re.search(r"bad\.json:2:\d+: ", err), err


def test_paired_takes_no_standard_input(runner) -> None:
    code, _, err = run_cli(runner, "fix", "-", "--paired")
    assert code == 2 and "standard input" in err

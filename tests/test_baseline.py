"""Baselines: recording findings, new / existing / fixed, updates, and keys that survive reordering."""

from __future__ import annotations

import copy
import importlib.util
import json
import random
import shutil
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from conftest import EXAMPLES, ROOT, examples, run_cli
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from wxcc_policy.evaluation.baseline import Baseline, BaselineEntry, compare, load_baseline, message_digest, recorded, render_baseline
from wxcc_policy.evaluation.pipeline import CheckSettings, run_check
from wxcc_policy.evaluation.results import FileResult, Finding, RunResult
from wxcc_policy.rules.policy_set import load_policy_set

VIOLATIONS = "violations-tenant.yaml"
TEL_KEY = "WXCC-TEL-001:org-x:subscriptions/Sub-2"


@pytest.fixture
def tenants(tmp_path: Path, monkeypatch) -> Path:
    """A copy of the example tenants to edit, with the working directory beside it."""
    monkeypatch.chdir(tmp_path)
    shutil.copytree(EXAMPLES, tmp_path / "tenants")
    return tmp_path / "tenants"


def check_json(runner, *args: str) -> tuple[int, dict[str, Any]]:
    code, out, _ = run_cli(runner, "check", "--format", "json", *args)
    return code, json.loads(out)


def states(result: dict[str, Any]) -> dict[str, str]:
    return {f["key"]: f["state"] for r in result["results"] for f in r["findings"]}


def test_baseline_records_every_finding_sorted_and_schema_valid(runner, tenants: Path) -> None:
    code, out, err = run_cli(runner, "baseline", "tenants")
    assert code == 0 and out == "" and "6 finding(s) recorded" in err
    text = Path(".wxcc-baseline.json").read_text()
    data = json.loads(text)
    schema = json.loads((ROOT / "schemas" / "baseline.schema.json").read_text())
    jsonschema.Draft202012Validator(schema).validate(data)
    keys = [e["key"] for e in data["findings"]]
    assert keys == sorted(keys) and TEL_KEY in keys and len(keys) == 6
    assert text.count("\n") == len(keys) + 5  # one finding per line: a change is a one-line diff
    tel = next(e for e in data["findings"] if e["key"] == TEL_KEY)
    assert tel == {
        "key": TEL_KEY,
        "policy": "WXCC-TEL-001",
        "tenant": "org-x",
        "pointer": "/subscriptions/1/telephony",
        "message": tel["message"],
    }
    assert run_cli(runner, "baseline", "tenants", "-o", "again.json")[0] == 0
    assert Path("again.json").read_text() == text  # same input, same bytes


def test_check_with_the_baseline_passes_and_shows_existing_findings_apart(runner, tenants: Path) -> None:
    run_cli(runner, "baseline", "tenants")
    code, result = check_json(runner, "--baseline", ".wxcc-baseline.json", "tenants")
    assert code == 0 and set(states(result).values()) == {"existing"}
    assert result["summary"]["baseline"] == {"file": ".wxcc-baseline.json", "new": 0, "existing": 6, "fixed": 0}
    assert result["summary"]["error"] == 4  # existing findings are still counted by severity
    code, out, _ = run_cli(runner, "check", "--baseline", ".wxcc-baseline.json", "tenants")
    head, _, rest = out.partition("Existing findings (in the baseline .wxcc-baseline.json; they do not fail the run):\n")
    assert head == "" and "WXCC-TEL-001" in rest  # nothing new: the section comes first
    assert out.endswith("4 errors, 2 warnings, 0 info; baseline: 0 new, 6 existing, 0 fixed. Passed.\n")


def test_new_findings_fail_and_fixed_entries_are_reported(runner, tenants: Path) -> None:
    run_cli(runner, "baseline", "tenants")
    path = tenants / VIOLATIONS
    path.write_text(path.read_text().replace("vpop", "webex-calling").replace("u-17", "u-18"))
    code, result = check_json(runner, "--baseline", ".wxcc-baseline.json", "tenants")
    assert code == 1
    assert states(result)["WXCC-ACC-001:org-x:users/u-18"] == "new"
    assert states(result)["WXCC-SUB-003:org-x:subscriptions/Sub-1"] == "existing"
    fixed = {n["key"]: n for n in result["notices"] if n["kind"] == "baseline-fixed"}
    assert set(fixed) == {TEL_KEY, "WXCC-ACC-001:org-x:users/u-17"}
    line = next(n for n, text in enumerate(Path(".wxcc-baseline.json").read_text().splitlines()) if TEL_KEY in text)
    assert fixed[TEL_KEY]["where"] == f".wxcc-baseline.json:{line + 1}:5" and fixed[TEL_KEY]["level"] == "info"
    assert result["summary"]["baseline"] == {"file": ".wxcc-baseline.json", "new": 1, "existing": 4, "fixed": 2}
    _, out, _ = run_cli(runner, "check", "--baseline", ".wxcc-baseline.json", "tenants")
    assert ": error WXCC-ACC-001 User agent7 (u-18) is mapped to Sub-1, which expired" in out.splitlines()[0]  # new: listed first
    assert f".wxcc-baseline.json:{line + 1}:5: info BASELINE baseline entry {TEL_KEY} no longer occurs: fixed" in out


def test_update_drops_fixed_and_refuses_new_unless_accepted(runner, tenants: Path) -> None:
    run_cli(runner, "baseline", "tenants")
    path = tenants / VIOLATIONS
    path.write_text(path.read_text().replace("vpop", "webex-calling"))
    code, _, err = run_cli(runner, "baseline", "--update", "tenants")
    assert code == 0 and "5 finding(s) recorded: 1 fixed removed, 0 new added" in err
    assert TEL_KEY not in Path(".wxcc-baseline.json").read_text()
    path.write_text(path.read_text().replace("u-17", "u-18"))
    before = Path(".wxcc-baseline.json").read_text()
    code, _, err = run_cli(runner, "baseline", "--update", "tenants")
    assert code == 1 and "new: WXCC-ACC-001:org-x:users/u-18" in err and "not updated: 1 new finding(s)" in err
    assert Path(".wxcc-baseline.json").read_text() == before  # refused: untouched
    assert run_cli(runner, "baseline", "--update", "--accept-new", "tenants")[0] == 0
    assert check_json(runner, "--baseline", ".wxcc-baseline.json", "tenants")[1]["summary"]["baseline"]["new"] == 0


def test_entries_of_files_and_policies_not_in_the_run_are_not_fixed(runner, tenants: Path) -> None:
    run_cli(runner, "baseline", "tenants")
    code, result = check_json(runner, "--baseline", ".wxcc-baseline.json", "tenants/acme-tenant.json")  # one file of two
    assert code == 0 and result["notices"] == []
    code, result = check_json(runner, "--baseline", ".wxcc-baseline.json", "--select", "WXCC-TEL-001", "tenants")
    assert code == 0 and result["notices"] == [] and states(result) == {TEL_KEY: "existing"}
    # An update over one file keeps the other file's entries.
    assert run_cli(runner, "baseline", "--update", "tenants/acme-tenant.json")[0] == 0
    assert len(json.loads(Path(".wxcc-baseline.json").read_text())["findings"]) == 6


def test_waived_findings_stay_out_of_the_baseline(runner, tenants: Path) -> None:
    waivers = Path("w.yaml")
    entry = f"  - key: {TEL_KEY}\n    reason: r\n    owner: o\n    granted: 2026-11-01\n    expires: 2026-11-25\n"
    waivers.write_text("waivers:\n" + entry)
    assert run_cli(runner, "baseline", "--waivers", str(waivers), "tenants")[0] == 0
    assert TEL_KEY not in Path(".wxcc-baseline.json").read_text()
    code, result = check_json(runner, "--waivers", str(waivers), "--baseline", ".wxcc-baseline.json", "tenants")
    assert code == 0 and result["summary"]["waived"] == 1
    # Once the waiver expires the finding is new: a baseline never outlives a waiver.
    code, result = check_json(runner, "--waivers", str(waivers), "--baseline", ".wxcc-baseline.json", "--as-of", "2026-11-26", "tenants")
    assert states(result)[TEL_KEY] == "new" and code == 1


def test_baseline_in_a_missing_directory_is_refused_before_the_run(runner, tenants: Path) -> None:
    code, _, err = run_cli(runner, "baseline", "-o", "no/such/b.json", "tenants")
    assert code == 2
    assert err == "wxcc-policy: error: no/such/b.json: cannot write the baseline: No such file or directory (no/such)\n"


def test_baseline_refuses_invalid_inputs(runner, tenants: Path) -> None:
    (tenants / "broken.json").write_text('{"snapshotVersion": "1",')
    code, out, err = run_cli(runner, "baseline", "tenants")
    assert code == 1 and out == "" and "broken.json:1:25: error PARSE invalid JSON" in err and "not written: 1 invalid file(s)" in err
    assert not Path(".wxcc-baseline.json").exists()


@pytest.mark.parametrize(
    ("text", "where", "fragment"),
    [
        ('{"version": "1", "findings": [\n', ":2:1: ", "invalid JSON"),
        ('{"version": "1",\n "findings": [{"key": "K"}]}\n', ":2:15: ", "missing required property 'policy'"),
        ('{"version": "2", "findings": []}\n', ":1:13: ", '"2" must be "1"'),
    ],
)
def test_malformed_baseline_is_located(runner, tenants: Path, text: str, where: str, fragment: str) -> None:
    Path("b.json").write_text(text)
    code, out, err = run_cli(runner, "check", "--baseline", "b.json", "tenants")
    assert code == 2 and out == "" and err.startswith(f"wxcc-policy: error: b.json{where}") and fragment in err, err


def test_missing_baseline_is_a_usage_error(runner, tenants: Path) -> None:
    assert run_cli(runner, "check", "--baseline", "nope.json", "tenants")[0] == 2
    assert run_cli(runner, "baseline", "--accept-new", "tenants")[0] == 2  # only an update accepts
    code, _, err = run_cli(runner, "baseline", "--update", "-o", "nope.json", "tenants")
    assert code == 2 and "nope.json: baseline file not found" in err


def test_repeated_keys_pair_with_their_own_entries() -> None:
    a, b = Finding("P", "error", "first", "/x/0", 1, 1, "P:t:x"), Finding("P", "error", "second", "/x/1", 2, 1, "P:t:x")
    run = RunResult("wxcc-policy", "0", "sha256:0", 1, "error", (FileResult("f.json", "d", "t", "2026-11-20", findings=(a, b)),))
    only_second = Baseline("b.json", (BaselineEntry("P:t:x", "P", "t", "/x/0", message_digest("second")),))
    compared = compare(run, only_second, ("P",)).run
    assert [f.state for f in compared.results[0].findings] == ["new", "existing"]
    both = Baseline("b.json", tuple(recorded(run)))
    assert [f.state for f in compare(run, both, ("P",)).run.results[0].findings] == ["existing", "existing"]


# Keys survive reordering and unrelated edits -------------------------------------------


def _generator() -> Any:
    spec = importlib.util.spec_from_file_location("generate", ROOT / "benchmarks" / "generate.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


POLICIES = load_policy_set([])
GENERATE = _generator()


def _run(tmp: Path, doc: dict[str, Any]) -> RunResult:
    path = tmp / "tenant.json"
    path.write_text(json.dumps(doc, indent=1))
    ids = tuple(p.info.id for p in POLICIES.policies)
    params = {p.info.id: {q.name: q.default for q in p.info.parameters} for p in POLICIES.policies}
    return run_check(CheckSettings((str(path),), None, "error", params, ids), POLICIES)


def _shuffled(doc: dict[str, Any], seed: int) -> dict[str, Any]:
    """The same tenant with its arrays reordered (subscriptions keep their first element, which
    policies read as the tenant's choice), and unrelated edits: a renamed user, an added one."""
    rng = random.Random(seed)
    out = copy.deepcopy(doc)
    for name in ("users", "usage", "overages", "partners"):
        rng.shuffle(out[name])
    first, *rest = out["subscriptions"]
    rng.shuffle(rest)
    out["subscriptions"] = [first, *rest]
    out["users"][0]["displayName"] = "Renamed"
    active = next(s["id"] for s in out["subscriptions"] if s["status"] == "active")
    out["users"].insert(
        rng.randrange(len(out["users"])),
        {"id": "u-new", "email": "new@acme.example", "displayName": "New", "roles": ["agent"], "subscriptionId": active},
    )
    return out


@settings(max_examples=examples(15), deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(seed=st.integers(0, 10_000), shuffle=st.integers(0, 10_000))
def test_keys_survive_reordering_and_unrelated_edits(tmp_path_factory, seed: int, shuffle: int) -> None:
    tmp = tmp_path_factory.mktemp("snap")
    doc = GENERATE.generate(users=150, subscriptions=6, months=3, violations=0.1, seed=seed)
    before = _run(tmp, doc)
    (tmp / "b.json").write_text(render_baseline(recorded(before)))
    baseline = load_baseline(tmp / "b.json")  # through the file, as a user's baseline goes
    assert len(baseline.entries) == len(recorded(before)) > 0
    comparison = compare(_run(tmp, _shuffled(doc, shuffle)), baseline, tuple(p.info.id for p in POLICIES.policies))
    assert {f.state for r in comparison.run.results for f in r.findings} == {"existing"}
    assert comparison.fixed == ()
    moved = {f.pointer for r in comparison.run.results for f in r.findings} - {e.pointer for e in baseline.entries}
    assert moved, "the reordering moved findings: keys, not pointers, kept them matched"


def test_baseline_never_overwrites_an_input(runner, tenants: Path) -> None:
    before = (tenants / VIOLATIONS).read_text()
    code, _, err = run_cli(runner, "baseline", "-o", f"tenants/{VIOLATIONS}", "tenants")
    assert code == 2 and "which this run reads" in err and (tenants / VIOLATIONS).read_text() == before
    run_cli(runner, "baseline", "-o", "b.json", "tenants")
    code, _, err = run_cli(runner, "baseline", "--update", "-o", f"tenants/{VIOLATIONS}", "tenants")
    assert code == 2 and (tenants / VIOLATIONS).read_text() == before  # not a baseline: refused before writing

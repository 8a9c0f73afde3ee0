"""`wxcc-policy explain`: documentation, and why findings fired, from what the evaluator's
tracer recorded while it ran."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from conftest import EXAMPLES, ROOT, minimal_snapshot, run_cli

VIOLATIONS = str(EXAMPLES / "violations-tenant.yaml")
ACME = str(EXAMPLES / "acme-tenant.json")
SCHEMA = json.loads((ROOT / "schemas" / "explanation.schema.json").read_text())
POLICY_IDS = sorted(p.stem for p in (ROOT / "policies").glob("WXCC-*.yaml"))


def _explain_json(runner, *args: str) -> dict[str, Any]:
    code, out, err = run_cli(runner, "explain", "--format", "json", *args)
    assert code == 0, err
    doc: dict[str, Any] = json.loads(out)
    jsonschema.validate(doc, SCHEMA)
    return doc


def _check_keys(runner, snapshot: str, *extra: str) -> dict[str, list[str]]:
    _, out, _ = run_cli(runner, "check", "--format", "json", "--fail-on", "info", *extra, snapshot)
    keys: dict[str, list[str]] = {}
    for finding in json.loads(out)["results"][0]["findings"]:
        keys.setdefault(finding["policy"], []).append(finding["key"])
    return keys


@pytest.fixture(scope="session")
def many_findings(generated_tenant) -> Path:
    """A generated tenant with many findings of one policy (users on expired subscriptions)."""
    return generated_tenant(4000, 20, 3, 0.05, 7)


# -- documentation ----------------------------------------------------------------------------
def test_policy_documentation_shows_parameters_in_effect(runner, tmp_path: Path, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / ".wxcc-policy.yaml").write_text("parameters:\n  expiryWarningDays: 45\n")
    code, out, _ = run_cli(runner, "explain", "WXCC-ACC-002")
    assert code == 0
    assert out.startswith("WXCC-ACC-002 (warning): Users are remapped before their subscription ends")
    assert "expiryWarningDays = 45 (default 30)" in out
    assert "Rationale: " in out and "[6]" in out
    assert "primaryOn(d): The primary subscription on date d" in out
    assert "docs/explain.md" in out


def test_documentation_lists_definitions_used_through_other_definitions(runner) -> None:
    code, out, _ = run_cli(runner, "explain", "WXCC-ACC-001")
    assert code == 0
    # activeIdsOn is named by the policy; isActiveOn only inside activeIdsOn's own definition
    assert "activeIdsOn(d):" in out and "isActiveOn(s, d):" in out


def test_unknown_policy(runner) -> None:
    code, _, err = run_cli(runner, "explain", "WXCC-ACC-01")
    assert code == 2 and "did you mean 'WXCC-ACC-001'" in err


# -- one finding --------------------------------------------------------------------------------
def test_finding_is_explained_by_its_derivation(runner) -> None:
    code, out, _ = run_cli(runner, "explain", "WXCC-BIL-002", VIOLATIONS)
    assert code == 0
    assert "used 27 standardAgent against 25 entitled (Sub-1: 10, Sub-2: 15): 2 billable, 5 charged" in out
    assert "referenceDate('2026-10') = '2026-10-31'" in out
    assert "entitledOn('standardAgent', '2026-10-31') = 25" in out
    assert "activeOn('2026-10-31') = [{id: 'Sub-1', … (9)}, {id: 'Sub-2', … (9)}]" in out
    assert "Failed condition: charged <= billable  →  false" in out
    assert "billable = 2  (let)" in out and "charged = 5  (let)" in out


def test_values_are_in_the_policy_language_notation(runner) -> None:
    code, out, _ = run_cli(runner, "explain", "WXCC-BIL-002", VIOLATIONS)
    assert code == 0
    # a map keyed by [period, usage type]: the key is a list, not a Python tuple
    assert "usedByPeriodType = {['2026-10', 'standardAgent']: 27}" in out
    assert "{('2026-10'" not in out and "True" not in out and "None" not in out


def test_explain_one_finding_by_key(runner) -> None:
    key = "WXCC-ACC-001:org-x:users/u-17"
    code, out, _ = run_cli(runner, "explain", "WXCC-ACC-001", VIOLATIONS, "--key", key)
    assert code == 0 and f"key {key}" in out
    assert "#1 activeIdsOn('2026-11-20') = set(['Sub-2'])" in out
    code, out, err = run_cli(runner, "explain", "WXCC-ACC-001", VIOLATIONS, "--key", "nope")
    assert code == 1 and key in err and out == ""  # a diagnostic: stderr


def test_explain_a_directory_says_so(runner, tmp_path: Path) -> None:
    code, _, err = run_cli(runner, "explain", "WXCC-ACC-001", str(tmp_path))
    assert code == 2 and err.strip() == f"wxcc-policy: error: {tmp_path}: a directory: explain takes one snapshot file"


@pytest.mark.parametrize("fmt", ["text", "json"])
def test_explain_diagnostics_go_to_stderr(runner, tmp_path: Path, fmt: str) -> None:
    """A tool reading `--format json` from stdout never gets prose there."""
    broken = tmp_path / "broken.json"
    broken.write_text('{"a":')
    for args in (("--key", "nope", VIOLATIONS), (str(broken),)):
        code, out, err = run_cli(runner, "explain", "--format", fmt, "WXCC-ACC-001", *args)
        assert code == 1 and out == "" and err.strip(), args


def test_explain_as_of_changes_the_answer(runner) -> None:
    code, out, _ = run_cli(runner, "explain", "WXCC-ACC-001", ACME, "--as-of", "2027-02-01")
    assert code == 0 and "as of T = 2027-02-01: 3 findings" in out


def test_the_output_defines_its_terms() -> None:
    doc = (ROOT / "docs" / "explain.md").read_text()
    for term in ("**T**", "**D(P)**", "**[n]**", "**#n**", "… (12)"):
        assert term in doc, term


# -- why none fired -------------------------------------------------------------------------------
def test_explain_why_nothing_fired_where_selects_none(runner) -> None:
    code, out, _ = run_cli(runner, "explain", "WXCC-PRT-001", ACME)
    assert code == 0
    assert "forEach level 1: partner in partners: 2 examined, 0 selected by where" in out
    assert "No finding: forEach level 1 (partner) examined 2 elements and its where selected none" in out


def test_explain_why_nothing_fired_nested_level_empty(runner) -> None:
    code, out, _ = run_cli(runner, "explain", "WXCC-DAT-001", ACME)
    assert code == 0
    assert "forEach level 1: collection in ['subscriptions', 'users', 'partners']: 3 examined" in out
    assert "forEach level 2: repeat in duplicates(document[collection], x -> x.id): 0 examined" in out
    assert "No finding: forEach level 2 (repeat) had no element for any of the 3 elements selected at level 1" in out


def test_explain_why_nothing_fired_without_loops(runner) -> None:
    code, out, _ = run_cli(runner, "explain", "WXCC-SUB-001", ACME)
    assert code == 0
    assert "No finding: the condition count(activeOn(asOf)) > 0 holds (true)." in out
    assert "#1 activeOn('2026-11-20') = [{id: 'Sub-100', … (13)}, {id: 'Sub-200', … (13)}]" in out


def test_a_policy_without_loops_that_fires(runner, tmp_path: Path) -> None:
    doc = json.loads((EXAMPLES / "acme-tenant.json").read_text())
    for sub in doc["subscriptions"]:
        sub["status"] = "cancelled"
    path = tmp_path / "none-active.json"
    path.write_text(json.dumps(doc, indent=1))
    code, out, _ = run_cli(runner, "explain", "WXCC-SUB-001", str(path))
    assert code == 0
    assert "#1 activeOn('2026-11-20') = []" in out
    assert "Bindings: none" in out and "Failed condition: count(activeOn(asOf)) > 0  →  false" in out
    assert "Uses: #1 activeOn('2026-11-20')" in out


NESTED = """\
id: ACME-NEST-001
title: Agents of active subscriptions have an email
severity: warning
description: d
rationale: r
remediation: m
forEach:
  - as: sub
    in: subscriptions
    where: "sub.status == 'active' and sub.id != 'Sub-100'"
  - as: user
    in: "filter(users, u -> u.subscriptionId == sub.id)"
    where: "'agent' in user.roles"
let:
  domain: "last(split(user.email ?? '', '@'))"
assert: "domain == params.domain"
parameters:
  domain: {default: acme.example, schema: {type: string}, description: d}
report:
  at: user
  key: "users/{user.id}"
  message: "{user.id} on {sub.id} has domain {domain}"
"""


def test_nested_loops_and_every_where_are_explained(runner, tmp_path: Path) -> None:
    (tmp_path / "policies").mkdir()
    (tmp_path / "policies" / "nest.yaml").write_text(NESTED)
    (tmp_path / "config.yaml").write_text("parameters:\n  domain: other.example\n")
    args = ("--config", str(tmp_path / "config.yaml"), "--policy-dir", str(tmp_path / "policies"))
    code, out, _ = run_cli(runner, "explain", *args, "ACME-NEST-001", ACME)
    assert code == 0
    assert "forEach level 1: sub in subscriptions: 2 examined, 1 selected by where sub.status == 'active'" in out
    assert (
        "forEach level 2: user in filter(users, u -> u.subscriptionId == sub.id): 1 examined, 1 selected by where 'agent' in user.roles"
        in out
    )
    assert "sub = {id: 'Sub-200'" in out and "(forEach)" in out
    assert "user = {id: 'u-agent-2'" in out and "domain = 'acme.example'  (let)" in out
    assert "Failed condition: domain == params.domain  →  false" in out
    code, out, _ = run_cli(runner, "explain", "--policy-dir", str(tmp_path / "policies"), "ACME-NEST-001", ACME)
    assert code == 0
    assert "No finding: the condition domain == params.domain held for every one of the 1 elements selected." in out


def test_nested_where_selecting_none_at_the_inner_level(runner, tmp_path: Path) -> None:
    (tmp_path / "nest.yaml").write_text(NESTED.replace("'agent' in user.roles", "'nobody' in user.roles"))
    code, out, _ = run_cli(runner, "explain", "--policy-dir", str(tmp_path), "ACME-NEST-001", ACME)
    assert code == 0
    assert "No finding: forEach level 2 (user) examined 1 elements and its where selected none" in out


def test_explain_a_nested_for_each_finding(runner, tmp_path: Path) -> None:
    doc = json.loads((EXAMPLES / "acme-tenant.json").read_text())
    doc["users"].append(dict(doc["users"][0]))
    path = tmp_path / "dup.json"
    path.write_text(json.dumps(doc, indent=2))
    code, out, _ = run_cli(runner, "explain", "WXCC-DAT-001", str(path))
    assert code == 0
    assert "/users/3/id" in out and "collection = 'users'  (forEach)" in out
    assert "repeat = {item: {id: 'u-admin-1', … (4)}, key: 'u-admin-1', occurrence: 2, first: {id: 'u-admin-1', … (4)}}  (forEach)" in out


# -- many findings --------------------------------------------------------------------------------
@pytest.mark.slow
def test_derived_values_appear_once_per_run(runner, many_findings: Path) -> None:
    code, out, _ = run_cli(runner, "explain", "WXCC-ACC-001", str(many_findings))
    assert code == 0
    count = int(re.search(r"as of T = \S+: (\d+) findings", out).group(1))  # type: ignore[union-attr]
    assert count > 100
    assert out.count("\nFinding ") == count
    for shared in ("activeIdsOn('2026-11-20') =", "remapCandidates('2026-11-20') =", "subscriptionsById =", "activeOn('2026-11-20') ="):
        assert out.count(shared) == 1, shared
    for line in out.splitlines():  # every derived value is shown (with its value) at most once
        assert out.count(line) == 1 or not re.match(r"\s+#\d+ .* = ", line), line
    assert "subscriptionsById = {'Sub-100': {id: 'Sub-100', … (12)}" in out and "… (20)}" in out
    assert len(out.encode()) < 1500 * count  # a dozen lines per finding (repeated blocks made it 4,200 bytes)


@pytest.mark.slow
@pytest.mark.parametrize("snapshot", ["acme", "violations", "generated"])
def test_explain_agrees_with_check(runner, many_findings: Path, snapshot: str) -> None:
    path = {"acme": ACME, "violations": VIOLATIONS, "generated": str(many_findings)}[snapshot]
    expected = _check_keys(runner, path)
    for pid in POLICY_IDS:
        doc = _explain_json(runner, pid, path)
        keys = [f["key"] for f in doc["findings"]]
        assert keys == expected.get(pid, []), pid
        assert doc["findingCount"] == len(keys)
        ids = {d["id"] for d in doc["derived"]}
        assert ids == set(range(1, len(ids) + 1))
        referenced = {i for d in doc["derived"] for i in d["uses"]} | {i for f in doc["findings"] for i in f["uses"]}
        assert referenced | set(doc["runUses"]) <= ids


def test_json_output_matches_its_schema(runner) -> None:
    doc = _explain_json(runner, "WXCC-BIL-002", VIOLATIONS)
    finding = doc["findings"][0]
    assert finding["key"] == "WXCC-BIL-002:org-x:periods/2026-10/standardAgent"
    assert finding["condition"] == {"value": False, "text": "false"}
    group = next(b for b in finding["bindings"] if b["name"] == "group")
    assert group["role"] == "loop" and group["value"]["items"] == [{"$pointer": "/overages/0"}]
    used = next(d for d in doc["derived"] if d["name"] == "usedByPeriodType")
    assert used["value"] == {"$entries": [[["2026-10", "standardAgent"], 27]]}
    active = next(d for d in doc["derived"] if d["name"] == "activeOn")
    assert active["args"] == [{"value": "2026-10-31", "text": "'2026-10-31'"}]
    assert active["value"] == [{"$pointer": "/subscriptions/0"}, {"$pointer": "/subscriptions/1"}]
    assert doc["loops"] == [
        {"name": "group", "in": doc["loops"][0]["in"], "where": None, "examined": 1, "selected": 1},
    ]


def test_json_why_none(runner) -> None:
    doc = _explain_json(runner, "WXCC-PRT-001", ACME)
    assert doc["findings"] == [] and doc["conditionsChecked"] == 0
    assert doc["loops"][0]["examined"] == 2 and doc["loops"][0]["selected"] == 0


# -- the notation -----------------------------------------------------------------------------------
def test_notation_never_cuts_silently() -> None:
    from wxcc_policy.reporters.notation import notation

    twelve = {f"k{i}": i for i in range(12)}
    assert notation(twelve) == "{k0: 0, k1: 1, k2: 2, k3: 3, k4: 4, k5: 5, … (12)}"
    assert notation(list(range(20))) == "[0, 1, 2, 3, 4, 5, 6, 7, … (20)]"
    assert notation("x" * 200).endswith("…' (200 characters)")
    assert notation({("2026-10", "ivr"): 2.0, "a b": None, "ok": True}) == "{['2026-10', 'ivr']: 2, 'a b': null, ok: true}"
    assert notation({"b", "a"}) == "set(['a', 'b'])"
    assert notation("it's") == "'it\\'s'"


def test_tracing_does_not_change_the_findings() -> None:
    """The traced run (general loop) and the plain one (bulk path) find the same."""
    from wxcc_policy.evaluation.evaluator import evaluate
    from wxcc_policy.evaluation.tracer import Tracer
    from wxcc_policy.inputs.documents import read_document
    from wxcc_policy.rules.policy_set import load_policy_set

    policies = load_policy_set()
    document = read_document(Path(VIOLATIONS))
    for policy in policies.policies:
        params = {p.name: p.default for p in policy.info.parameters}
        plain = evaluate(policy, policies.runtime(document.data, None), params)  # type: ignore[union-attr]
        runtime = policies.runtime(document.data, None)  # type: ignore[union-attr]
        traced = evaluate(policy, runtime, params, Tracer())
        assert [(f.entity, f.message) for f in traced] == [(f.entity, f.message) for f in plain], policy.info.id
        assert "value" not in vars(runtime) and "call" not in vars(runtime)  # the tracer let go of the runtime


# -- the same budget as check (review of issue 7) ----------------------------------------------
def _hostile_pack(tmp_path: Path, assertion: str, limits: str) -> tuple[str, ...]:
    from test_budget import pack  # its library holds twice(xs, n): 2^n calls with the same list

    directory = pack(tmp_path, assertion)
    (tmp_path / "config.yaml").write_text(f"limits: {limits}\n")
    return ("--config", str(tmp_path / "config.yaml"), "--policy-dir", str(directory))


@pytest.mark.parametrize(
    ("assertion", "limits", "fragment"),
    [
        # the configured limits apply to explain as they do to check
        ("count(flatMap(users, u -> flatMap(users, v -> users))) > 0", "{collectionSize: 20}", "a collection of 27"),
        # a call the runtime does not memoise (a list argument) costs explain what it costs check
        ("twice(users, 40) > 0", "{steps: 100000, stepsPerElement: 20}", "more than 100,"),
    ],
)
def test_explain_fails_where_check_fails(runner, tmp_path: Path, assertion: str, limits: str, fragment: str) -> None:
    args = _hostile_pack(tmp_path, assertion, limits)
    code, out, err = run_cli(runner, "check", "--select", "ACME-B-001", *args, ACME)
    assert code == 2 and fragment in out + err
    for fmt in ("text", "json"):
        code, out, err = run_cli(runner, "explain", "--format", fmt, *args, "ACME-B-001", ACME)
        assert code == 2, out
        assert "evaluation budget exceeded" in err and fragment in err and "Traceback" not in err
        assert len(err.strip().splitlines()) == 1


NESTING_LIBRARY = """kind: library
name: nesting
description: A recursion as deep as its argument.
functions:
  nest:
    params: [n]
    description: n nested lists.
    body: "if n == 0 then [] else [nest(n - 1)]"
"""


@pytest.mark.parametrize(("depth", "expected"), [(140, 0), (400, 2)])
def test_explain_recurses_as_deep_as_check(runner, tmp_path: Path, depth: int, expected: int) -> None:
    """Tracing adds stack frames per call: explain must neither fail where check passes
    (`recursion too deep` at 140 levels) nor pass where check fails."""
    (tmp_path / "lib.yaml").write_text(NESTING_LIBRARY)
    (tmp_path / "p.yaml").write_text(
        "id: ACME-D-001\ntitle: t\nseverity: info\ndescription: d\nrationale: r\nremediation: m\n"
        f'let: {{v: "nest({depth})"}}\nassert: "false"\nreport: {{at: tenant, key: k, message: m}}\n'
    )
    args = ("--policy-dir", str(tmp_path))
    code, out, err = run_cli(runner, "check", "--select", "ACME-D-001", *args, ACME)
    assert code == expected, out + err
    for fmt in ("text", "json"):
        code, out, err = run_cli(runner, "explain", "--format", fmt, *args, "ACME-D-001", ACME)
        assert code == expected and "Traceback" not in err, err
        assert expected == 0 or err.strip().endswith("recursion too deep")


def test_one_finding_by_key_says_which_of_how_many(runner, tmp_path: Path) -> None:
    doc = minimal_snapshot()
    for user in doc["users"]:
        user["subscriptionId"] = "Sub-999"
    snapshot = tmp_path / "three.json"
    snapshot.write_text(json.dumps(doc, indent=2))
    code, out, _ = run_cli(runner, "explain", "WXCC-ACC-001", str(snapshot))
    assert code == 0 and [line.split(":")[0] for line in out.splitlines() if line.startswith("Finding ")] == [
        "Finding 1 of 3",
        "Finding 2 of 3",
        "Finding 3 of 3",
    ]
    key = f"WXCC-ACC-001:{doc['tenant']['id']}:users/{doc['users'][1]['id']}"
    code, out, _ = run_cli(runner, "explain", "WXCC-ACC-001", str(snapshot), "--key", key)
    assert code == 0 and ": 3 findings, 1 shown." in out
    (shown,) = [line for line in out.splitlines() if line.startswith("Finding ")]
    assert shown.startswith("Finding 2 of 3: /users/1/subscriptionId (line ") and shown.endswith(f", key {key}")

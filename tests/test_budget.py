"""Evaluation is bounded (issue 12 §3): runaway policies end in a located error naming
the policy, with exit 2, while other files still report; the defaults leave the
built-in policies far from the limits; the limits are set in the configuration."""

from __future__ import annotations

import json
import shutil
import sys
from pathlib import Path
from typing import Any

import pytest
from conftest import EXAMPLES, ROOT, run_cli

from wxcc_policy.errors import BudgetExceeded
from wxcc_policy.lang.budget import Budget, Limits, document_elements
from wxcc_policy.lang.names import BUDGET_KEY
from wxcc_policy.rules.policy_set import load_policy_set

ACME = EXAMPLES / "acme-tenant.json"
LIBRARY = """kind: library
name: hostile
description: Functions that a careless or malicious policy pack could hold.
functions:
  twice:
    params: [xs, n]
    description: 2^n calls.
    body: "if n == 0 then 1 else twice(xs, n - 1) + twice(xs, n - 1)"
  doubled:
    params: [xs]
    description: A list that doubles at each call, for ever.
    body: "doubled(xs + xs)"
  longer:
    params: [s]
    description: A string that doubles at each call, for ever.
    body: "longer(s + s)"
"""


def pack(tmp_path: Path, assertion: str, policy_id: str = "ACME-B-001", message: str = "m") -> Path:
    directory = tmp_path / "policies"
    directory.mkdir(exist_ok=True)
    (directory / "lib.yaml").write_text(LIBRARY)
    (directory / "p.yaml").write_text(
        f"id: {policy_id}\ntitle: t\nseverity: info\ndescription: d\nrationale: r\nremediation: m\n"
        f"assert: {json.dumps(assertion)}\nreport: {{at: tenant, key: k, message: {json.dumps(message)}}}\n"
    )
    return directory


def run(runner: Any, tmp_path: Path, assertion: str, limits: str = "", *paths: Path) -> tuple[int, str]:
    directory = pack(tmp_path, assertion)
    args = ["check", "--select", "ACME-B-001", "--policy-dir", str(directory)]
    if limits:
        (tmp_path / "config.yaml").write_text(f"limits: {limits}\n")
        args += ["--config", str(tmp_path / "config.yaml")]
    code, out, err = run_cli(runner, *args, *[str(p) for p in paths or (ACME,)])
    assert "internal error" not in out + err and "Traceback" not in out + err
    return code, out + err


@pytest.mark.parametrize(
    ("assertion", "limits", "fragment", "where"),
    [
        ("twice(users, 40) > 0", "{steps: 100000, stepsPerElement: 20}", "more than 100,", "lib.yaml:8:11"),
        ("count(doubled(users)) > 0", "{steps: 100000000}", "a collection of", "lib.yaml:12:11"),
        ("longer(tenant.id) == ''", "{steps: 100000000, stringLength: 1000}", "a string of", "lib.yaml:16:11"),
        ("twice(users, 40) > 0", "{seconds: 0.2, secondsPerElement: 0, steps: 100000000000}", "more than 0.2 seconds", "lib.yaml:8:11"),
        ("count(flatMap(users, u -> flatMap(users, v -> users))) > 0", "{collectionSize: 20}", "a collection of 27", "p.yaml:7:9"),
    ],
)
def test_a_runaway_policy_ends_in_a_located_error(
    runner: Any, tmp_path: Path, assertion: str, limits: str, fragment: str, where: str
) -> None:
    code, out = run(runner, tmp_path, assertion, limits)
    assert code == 2
    assert "policy ACME-B-001: evaluation budget exceeded" in out and fragment in out and where in out, out


@pytest.mark.slow
@pytest.mark.parametrize("assertion", ["twice(users, 40) > 0", "count(doubled(users)) > 0", "longer(tenant.id) == ''"])
def test_the_default_limits_stop_runaway_policies(runner: Any, tmp_path: Path, assertion: str) -> None:
    code, out = run(runner, tmp_path, assertion)
    assert code == 2 and "evaluation budget exceeded" in out and "raise limits." in out


def test_a_message_that_renders_too_much_is_stopped(runner: Any, tmp_path: Path) -> None:
    directory = pack(tmp_path, "false", message="{users} {users} {users}")
    (tmp_path / "config.yaml").write_text("limits: {stringLength: 500}\n")
    args = ("check", "--select", "ACME-B-001", "--config", str(tmp_path / "config.yaml"), "--policy-dir", str(directory), str(ACME))
    code, out, err = run_cli(runner, *args)
    assert code == 2 and "a string of" in out + err and "p.yaml:8:" in out + err


def test_the_other_files_still_report(runner: Any, tmp_path: Path) -> None:
    evil = tmp_path / "snapshots" / "evil.json"
    evil.parent.mkdir()
    shutil.copy(ACME, tmp_path / "snapshots" / "good.json")
    doc = json.loads(ACME.read_text())
    doc["tenant"]["id"] = "evil"
    evil.write_text(json.dumps(doc))
    directory = pack(tmp_path, "if tenant.id == 'evil' then twice(users, 40) > 0 else false")
    (tmp_path / "config.yaml").write_text("limits: {steps: 100000, stepsPerElement: 20}\n")
    code, out, _ = run_cli(
        runner, "check", "--format", "json", "--config", str(tmp_path / "config.yaml"), "--policy-dir", str(directory), str(evil.parent)
    )
    results = {Path(r["file"]).name: r for r in json.loads(out)["results"]}
    assert code == 2 and "evaluation budget exceeded" in json.dumps(results["evil.json"])
    assert [f["policy"] for f in results["good.json"]["findings"]].count("ACME-B-001") == 1


def test_catastrophic_patterns_run_in_linear_time(runner: Any, tmp_path: Path) -> None:
    """`(a+)+$` backtracks for ever in Python's re on 'aaa…b'; user patterns run on RE2."""
    code, out = run(
        runner,
        tmp_path,
        "not matches(join(map(slice(users, 0, 1), u -> 'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa'), '') + 'b', '(a+)+$')",
    )
    assert code == 0, out


def test_patterns_re2_cannot_run_are_refused_at_load(runner: Any, tmp_path: Path) -> None:
    code, out = run(runner, tmp_path, "matches(tenant.id, '(?=a)b')")
    assert code == 2 and "invalid regular expression" in out and "p.yaml:7:29" in out


@pytest.mark.parametrize("limits", ["{steps: 0}", "{seconds: 0}", "{unknown: 1}", "{collectionSize: 1.5}", "[1]"])
def test_the_limits_are_validated(runner: Any, tmp_path: Path, limits: str) -> None:
    code, out = run(runner, tmp_path, "true", limits)
    assert code == 2 and "config.yaml:1:" in out


def test_limits_from_the_configuration() -> None:
    limits = Limits.from_config(
        {"steps": 5, "stepsPerElement": 1, "seconds": 2.5, "collectionSize": 7, "stringLength": 9, "secondsPerElement": 0.5}
    )
    assert limits == Limits(5, 1, 2.5, 7, 9, 0.5)
    assert Budget(limits, elements=10).seconds == 7.5
    budget = Budget(limits, elements=10)
    budget.spend(15)
    with pytest.raises(BudgetExceeded, match=r"more than 15 steps; raise limits\.steps"):
        budget.spend(1)
        budget.spend(100_000)  # the count is checked at checkpoints: one is reached by now


def test_the_built_in_policies_use_a_fraction_of_the_default_budget() -> None:
    """On a generated tenant, the built-in policies spend a few steps per document element
    (about 3 on 1,000,000 users, 6 on 20,000); the default allowance is 100 per element plus
    10,000,000, so they stay far from it at any size."""
    sys.path.insert(0, str(ROOT / "benchmarks"))
    try:
        import generate
    finally:
        sys.path.pop(0)
    doc = generate.generate(20_000, 50, 12, 0.01, 1)
    policies = load_policy_set()
    runtime = policies.runtime(doc, None)
    for policy in policies.policies:
        from wxcc_policy.evaluation.evaluator import evaluate

        evaluate(policy, runtime, {p.name: p.default for p in policy.info.parameters})
    used, elements = runtime.base[BUDGET_KEY].used, document_elements(doc)
    allowance = Limits().steps + Limits().steps_per_element * elements
    assert 0 < used < 10 * elements and used * 20 < allowance


def test_policy_tests_run_within_the_configured_limits(runner: Any, tmp_path: Path) -> None:
    """`test` evaluates as `check` does: the configuration's limits apply to its cases."""
    directory = pack(tmp_path, "twice(users, 40) > 0")
    cases = tmp_path / "p.test.yaml"
    cases.write_text(f"policies: [ACME-B-001]\nsnapshot: {json.dumps(str(ACME))}\ncases:\n  - name: runaway\n    expect: []\n")
    (tmp_path / "config.yaml").write_text("limits: {steps: 100000, stepsPerElement: 20}\n")
    code, out, err = run_cli(runner, "test", "--config", str(tmp_path / "config.yaml"), "--policy-dir", str(directory), str(cases))
    assert code == 1 and "evaluation budget exceeded" in out + err and "more than 100," in out + err, out + err


def test_a_tenant_whose_every_user_has_a_finding_stays_within_the_default_allowance(runner: Any, tmp_path: Path) -> None:
    """A budget stops runaway policies, not many findings: 1,000,000 users mapped to an
    expired subscription exceeded the default budget (issue 17). Rendering a finding
    costs about 46 steps, so the allowance per element must cover it, whatever the base:
    here the base is 1 step, and the per-element default alone has to carry the run."""
    sys.path.insert(0, str(ROOT / "benchmarks"))
    try:
        import generate
    finally:
        sys.path.pop(0)
    doc = generate.generate(3_000, 50, 12, 0.01, 1)
    expired = next(s["id"] for s in doc["subscriptions"] if s["status"] != "active")
    for user in doc["users"]:
        user["subscriptionId"] = expired
    tenant = tmp_path / "everyone.json"
    tenant.write_text(json.dumps(doc, indent=1))
    (tmp_path / "config.yaml").write_text("limits: {steps: 1}\n")
    code, out, err = run_cli(runner, "check", "--config", str(tmp_path / "config.yaml"), "--format", "json", str(tenant))
    assert code == 1 and "budget" not in out + err, err
    assert len(json.loads(out)["results"][0]["findings"]) >= 3_000

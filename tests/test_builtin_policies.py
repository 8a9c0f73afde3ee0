"""The built-in policies' data-driven cases, run through `wxcc-policy test` itself."""

from __future__ import annotations

from pathlib import Path

import yaml
from conftest import ROOT, run_cli

from wxcc_policy.evaluation.policy_tests import run_test_files
from wxcc_policy.rules.policy_set import load_policy_set

CASES = ROOT / "tests" / "policies"


def test_every_case_passes_and_every_policy_is_tested() -> None:
    report = run_test_files([str(CASES)], load_policy_set())
    failures = [(c.name, c.missing, c.unexpected, c.error) for c in report.cases if not c.passed]
    assert failures == []
    assert report.untested == ()
    assert len(report.cases) >= 45


def test_each_policy_has_two_failing_and_one_passing_case() -> None:
    ids = [p.info.id for p in load_policy_set().policies]
    assert len(ids) == 15
    for pid in ids:
        data = yaml.safe_load((CASES / f"{pid}.test.yaml").read_text())
        failing = [c for c in data["cases"] if c["expect"]]
        passing = [c for c in data["cases"] if not c["expect"]]
        assert len(failing) >= 2 and len(passing) >= 1, pid


def test_the_command_reports_the_difference(runner, tmp_path: Path) -> None:
    text = (CASES / "WXCC-DAT-003.test.yaml").read_text().replace("/subscriptions/1/endDate}]", "/subscriptions/0/endDate}]")
    broken = tmp_path / "broken.test.yaml"
    broken.write_text(text)
    code, out, _ = run_cli(runner, "test", str(broken))
    assert code == 1
    assert "missing:    WXCC-DAT-003 /subscriptions/0/endDate" in out
    assert "unexpected: WXCC-DAT-003 /subscriptions/1/endDate" in out


def test_invalid_test_file_exits_2(runner, tmp_path: Path) -> None:
    bad = tmp_path / "bad.test.yaml"
    bad.write_text("policies: [WXCC-DAT-003]\ncases:\n  - name: x\n    expectt: []\n")
    code, _, err = run_cli(runner, "test", str(bad))
    assert code == 2
    assert f"{bad}:3:5: missing required property 'expect'" in err


def test_untested_policy_is_reported(runner, tmp_path: Path) -> None:
    only_pass = tmp_path / "p.test.yaml"
    only_pass.write_text((CASES / "WXCC-DAT-003.test.yaml").read_text().split("  - name: an end before")[0])
    code, out, _ = run_cli(runner, "test", "--format", "json", str(only_pass))
    assert code == 0
    assert '"untested": [\n    "WXCC-DAT-003"\n  ]' in out


def test_builtin_cases_through_the_command_line(runner) -> None:
    code, out, err = run_cli(runner, "test", str(CASES))
    assert code == 0 and err == ""
    assert out.splitlines()[-1].startswith("policy tests: ") and ", 0 failed, 0 untested policies" in out
    assert out.count("\nPASS ") + out.startswith("PASS ") >= 45


def test_example_pack_through_the_command_line(runner) -> None:
    pack = ROOT / "examples" / "custom-policies"
    code, out, _ = run_cli(runner, "test", "--policy-dir", str(pack), str(pack))
    assert code == 0
    assert out.splitlines()[-1] == "policy tests: 3 passed, 0 failed, 0 untested policies"

"""The check command end to end: golden output, exit codes, options, configuration."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from conftest import EXAMPLES, ROOT, run_cli

GOLDEN = ROOT / "tests" / "golden"
UPDATE = os.environ.get("WXCC_UPDATE_GOLDEN") == "1"


def _golden(name: str, actual: str) -> None:
    path = GOLDEN / name
    if UPDATE:
        path.write_text(actual)
    assert actual == path.read_text()


@pytest.mark.parametrize("example", ["acme-tenant.json", "violations-tenant.yaml"])
@pytest.mark.parametrize("fmt", ["text", "json"])
def test_golden_output(runner, example: str, fmt: str, monkeypatch) -> None:
    monkeypatch.chdir(ROOT)
    code, out, err = run_cli(runner, "check", "--format", fmt, f"examples/tenants/{example}")
    _golden(f"{example}.{fmt}", out)
    assert err == ""
    assert code == (0 if example.startswith("acme") else 1)


def test_json_output_matches_result_schema(runner, monkeypatch) -> None:
    monkeypatch.chdir(ROOT)
    _, out, _ = run_cli(runner, "check", "--format", "json", "examples/tenants", str(ROOT / "tests" / "data" / "bad"))
    schema = json.loads((ROOT / "schemas" / "result.schema.json").read_text())
    jsonschema.Draft202012Validator(schema, format_checker=jsonschema.FormatChecker()).validate(json.loads(out))


def test_same_input_same_bytes(runner, monkeypatch) -> None:
    monkeypatch.chdir(ROOT)
    first = run_cli(runner, "check", "--format", "json", "examples/tenants")[1]
    assert first == run_cli(runner, "check", "--format", "json", "examples/tenants")[1]


def test_fail_on_warning_and_as_of(runner, monkeypatch) -> None:
    monkeypatch.chdir(ROOT)
    assert run_cli(runner, "check", "examples/tenants/acme-tenant.json")[0] == 0
    assert run_cli(runner, "check", "--fail-on", "warning", "examples/tenants/acme-tenant.json")[0] == 1
    code, out, _ = run_cli(runner, "check", "--as-of", "2027-03-01", "--format", "json", "examples/tenants/acme-tenant.json")
    result = json.loads(out)["results"][0]
    assert result["asOf"] == "2027-03-01"
    assert {f["policy"] for f in result["findings"]} >= {"WXCC-ACC-001", "WXCC-SUB-001"}
    assert code == 1


def test_select_and_skip(runner, monkeypatch) -> None:
    monkeypatch.chdir(ROOT)
    _, out, _ = run_cli(runner, "check", "--format", "json", "--select", "WXCC-TEL-001", "examples/tenants/violations-tenant.yaml")
    assert {f["policy"] for f in json.loads(out)["results"][0]["findings"]} == {"WXCC-TEL-001"}
    _, out, _ = run_cli(runner, "check", "--format", "json", "--skip", "WXCC-TEL-001", "examples/tenants/violations-tenant.yaml")
    assert "WXCC-TEL-001" not in {f["policy"] for f in json.loads(out)["results"][0]["findings"]}
    code, _, err = run_cli(runner, "check", "--select", "WXCC-TEL-01", "examples/tenants")
    assert code == 2 and "did you mean 'WXCC-TEL-001'" in err


def test_config_parameters_and_unknown_keys(runner, tmp_path: Path, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    snap = tmp_path / "t.json"
    snap.write_text((EXAMPLES / "acme-tenant.json").read_text())
    (tmp_path / ".wxcc-policy.yaml").write_text("parameters:\n  expiryWarningDays: 10\n")
    assert run_cli(runner, "check", "--fail-on", "warning", "t.json")[0] == 0  # Sub-200 ends in 20 days
    (tmp_path / ".wxcc-policy.yaml").write_text("parameters:\n  expiryWarningDays: 10\nfail_on: error\n")
    code, _, err = run_cli(runner, "check", "t.json")
    assert code == 2 and ".wxcc-policy.yaml:3:10: unknown property 'fail_on'" in err
    (tmp_path / ".wxcc-policy.yaml").write_text("parameters:\n  expiryWarningDays: soon\n")
    code, _, err = run_cli(runner, "check", "t.json")
    assert code == 2 and ".wxcc-policy.yaml:2:22: parameter expiryWarningDays" in err
    (tmp_path / ".wxcc-policy.yaml").write_text("parameters:\n  expiryWarningDay: 3\n")
    code, _, err = run_cli(runner, "check", "t.json")
    assert code == 2 and "did you mean 'expiryWarningDays'" in err


def test_usage_errors_exit_2(runner, monkeypatch) -> None:
    monkeypatch.chdir(ROOT)
    assert run_cli(runner, "check", "no/such/file.json")[0] == 2
    assert run_cli(runner, "check", "--as-of", "2026-13-01", "examples/tenants")[0] == 2
    assert run_cli(runner, "check", "--format", "xml", "examples/tenants")[0] == 2
    assert run_cli(runner, "check", "--policy-dir", "no-such-dir", "examples/tenants")[0] == 2


def test_output_file_is_written_atomically(runner, tmp_path: Path, monkeypatch) -> None:
    monkeypatch.chdir(ROOT)
    target = tmp_path / "report.json"
    code, out, _ = run_cli(runner, "check", "--format", "json", "-o", str(target), "examples/tenants/acme-tenant.json")
    assert code == 0 and out == ""
    assert json.loads(target.read_text())["summary"]["files"] == 1
    assert [p.name for p in tmp_path.iterdir()] == ["report.json"]


def test_policies_command_lists_user_policies(runner, monkeypatch) -> None:
    monkeypatch.chdir(ROOT)
    code, out, _ = run_cli(runner, "policies", "--policy-dir", "examples/custom-policies")
    assert code == 0
    assert out.count("\n") == 18
    assert "ACME-EMAIL-001" in out


def test_catalog_document_is_up_to_date(runner, monkeypatch) -> None:
    monkeypatch.chdir(ROOT)
    _, out, _ = run_cli(runner, "policies", "--format", "markdown")
    assert out == (ROOT / "docs" / "policies.md").read_text(), "run: wxcc-policy policies --format markdown -o docs/policies.md"


def test_color_only_on_terminals(runner, monkeypatch) -> None:
    monkeypatch.chdir(ROOT)
    assert "\x1b[" not in run_cli(runner, "check", "examples/tenants")[1]


def test_installed_console_script(tmp_path: Path) -> None:
    script = Path(sys.executable).parent / "wxcc-policy"
    command = [str(script)] if script.exists() else [sys.executable, "-m", "wxcc_policy"]
    env = {**os.environ, "NO_COLOR": "1"}
    done = subprocess.run(
        [*command, "check", str(EXAMPLES / "violations-tenant.yaml")], cwd=tmp_path, capture_output=True, text=True, env=env, check=False
    )
    assert done.returncode == 1
    assert "error WXCC-TEL-001" in done.stdout and done.stderr == ""
    done = subprocess.run([sys.executable, "-m", "wxcc_policy", "--version"], capture_output=True, text=True, check=False)
    assert done.returncode == 0 and "wxcc-policy" in done.stdout


def test_unwritable_output_is_a_usage_error(runner, tmp_path: Path, monkeypatch) -> None:
    monkeypatch.chdir(ROOT)
    code, _, err = run_cli(runner, "check", "-o", str(tmp_path / "no" / "such" / "dir" / "r.json"), "examples/tenants")
    assert code == 2 and "cannot write the report: No such file or directory" in err


def test_policy_dirs_in_config_are_relative_to_it(runner, tmp_path: Path, monkeypatch) -> None:
    config_dir = tmp_path / "conf"
    config_dir.mkdir()
    (config_dir / "wxcc.yaml").write_text(f"policyDirs: [{ROOT / 'examples' / 'custom-policies'}]\n")
    monkeypatch.chdir(tmp_path)
    code, out, _ = run_cli(runner, "policies", "--config", "conf/wxcc.yaml")
    assert code == 0 and "ACME-DEPT-001" in out
    (config_dir / "wxcc.yaml").write_text("policyDirs: [my-policies]\n")
    code, _, err = run_cli(runner, "policies", "--config", "conf/wxcc.yaml")
    assert code == 2 and "error: conf/wxcc.yaml:1:14: policy directory not found: conf/my-policies" in err


def test_color_on_a_terminal_unless_no_color(monkeypatch) -> None:
    from wxcc_policy.commands import options as cli
    from wxcc_policy.evaluation.pipeline import CheckSettings, run_check
    from wxcc_policy.reporters import CHECK
    from wxcc_policy.rules.policy_set import load_policy_set

    monkeypatch.setattr(sys.stdout, "isatty", lambda: True)
    monkeypatch.delenv("NO_COLOR", raising=False)
    assert cli.use_color()
    monkeypatch.setenv("NO_COLOR", "")
    assert not cli.use_color()
    policies = load_policy_set()
    settings = CheckSettings(
        (str(EXAMPLES / "violations-tenant.yaml"),),
        None,
        "error",
        {p.info.id: {q.name: q.default for q in p.info.parameters} for p in policies.policies},
        tuple(p.info.id for p in policies.policies),
    )
    text = "".join(CHECK.renderer("text")(run_check(settings, policies), True))
    assert "\x1b[31merror\x1b[0m WXCC-TEL-001" in text and "\x1b[33mwarning\x1b[0m WXCC-SUB-003" in text


def test_pointer_index_finds_elements_at_any_depth_first_place_wins() -> None:
    from wxcc_policy.inputs.pointers import PointerIndex

    shared = {"x": 1}
    doc = {"a": [{"b": [shared, {"y/~": [5]}]}], "c": shared}
    index = PointerIndex(doc)
    assert index.pointer(doc["a"][0]["b"][1]["y/~"]) == "/a/0/b/1/y~1~0"
    assert index.pointer(shared) == "/c"  # breadth first: /c is shallower than /a/0/b/0
    assert index.pointer({"x": 1}) is None


def test_check_restores_garbage_collection() -> None:
    # Regression: `check` disabled gc for the rest of the process.
    import gc

    from wxcc_policy.cli import main

    assert gc.isenabled()
    main(["check", str(EXAMPLES / "acme-tenant.json")])
    assert gc.isenabled()


def test_show_keys_puts_each_findings_key_below_it_in_text(runner: Any) -> None:
    violations = str(EXAMPLES / "violations-tenant.yaml")
    _, plain, _ = run_cli(runner, "check", violations)
    code, keyed, _ = run_cli(runner, "check", "--show-keys", violations)
    _, as_json, _ = run_cli(runner, "check", "--format", "json", violations)
    assert code == 1 and "  key " not in plain
    expected = [f["key"] for r in json.loads(as_json)["results"] for f in r["findings"]]
    assert [line.removeprefix("  key ") for line in keyed.splitlines() if line.startswith("  key ")] == expected
    assert [line for line in keyed.splitlines() if not line.startswith("  key ")] == plain.splitlines()
    code, out, _ = run_cli(runner, "explain", "WXCC-ACC-001", violations, "--key", expected[2])  # a key, pasted
    assert code == 0 and f"key {expected[2]}" in out
    code, out, err = run_cli(runner, "check", "--show-keys", "--format", "sarif", violations)
    assert (code, out) == (2, "") and "--show-keys is for the text format" in err
    code, out, _ = run_cli(runner, "check", "--show-keys", "--horizon", "30", str(EXAMPLES / "acme-tenant.json"))
    upcoming = out.split("Upcoming findings", 1)[1].splitlines()
    assert code == 0 and upcoming[2] == "  key WXCC-ACC-001:org-acme-7f3a:users/u-agent-2"

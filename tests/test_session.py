"""The run session every command builds its settings from (commands/session.py)."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest
from conftest import EXAMPLES, ROOT, run_cli

CUSTOM = ROOT / "examples" / "custom-policies"


def _config_naming_the_custom_pack(tmp_path: Path) -> Path:
    pack = tmp_path / "mypol"
    shutil.copytree(CUSTOM, pack, ignore=shutil.ignore_patterns("tests"))
    config = tmp_path / ".wxcc-policy.yaml"
    config.write_text("policyDirs: [mypol]\n")
    return config


@pytest.mark.parametrize(
    "command",
    [
        ["check"],
        ["forecast", "--days", "30"],
        ["report", "--format", "json"],
        ["baseline", "-o", "{tmp}/b.json"],
        ["explain", "ACME-ROLE-001"],
        ["policies"],
    ],
    ids=lambda c: c[0],
)
def test_a_policy_dir_named_twice_loads_once(runner: Any, tmp_path: Path, monkeypatch: Any, command: list[str]) -> None:
    """Regression: `forecast` loaded policies without de-duplicating the directories, so the
    configuration's `policyDirs: [mypol]` plus `--policy-dir mypol` failed with "duplicate
    policy id" where `check` passed."""
    _config_naming_the_custom_pack(tmp_path)
    monkeypatch.chdir(tmp_path)
    snapshot = str(EXAMPLES / "acme-tenant.json")
    args = [a.replace("{tmp}", str(tmp_path)) for a in command]
    needs_snapshot = args[0] not in ("policies",)
    code, out, err = run_cli(runner, *args, "--policy-dir", "mypol", *([snapshot] if needs_snapshot else []))
    assert "duplicate" not in err, err
    assert code in (0, 1), err
    assert out or err


def _commands() -> dict[str, Any]:
    import click

    from wxcc_policy.cli import cli

    ctx = click.Context(cli)
    return {name: cli.get_command(ctx, name) for name in cli.list_commands(ctx)}


def _format_choices(command: Any) -> tuple[str, ...]:
    option = next(p for p in command.params if p.name == "fmt")
    return tuple(option.type.choices)


def test_every_subject_has_one_registry_feeding_its_format_choices() -> None:
    from wxcc_policy import reporters

    commands = _commands()
    expected = {
        "check": reporters.CHECK,
        "diff": reporters.CHANGE,
        "plan": reporters.CHANGE,
        "forecast": reporters.FORECAST,
        "explain": reporters.EXPLAIN,
        "policies": reporters.CATALOG,
        "report": reporters.PORTFOLIO,
    }
    for name, registry in expected.items():
        assert _format_choices(commands[name]) == registry.names, name
    for registry in reporters.SUBJECTS:  # every entry names a renderer that exists
        for fmt in registry:
            assert callable(registry.renderer(fmt)), (registry.subject, fmt)


def test_the_configuration_format_enum_is_the_check_and_change_registries() -> None:
    """`format:` in .wxcc-policy.yaml applies to check, diff and plan: the enum is their names."""
    import json

    from wxcc_policy import reporters

    schema = json.loads((ROOT / "schemas" / "config.schema.json").read_text())
    assert tuple(schema["properties"]["format"]["enum"]) == reporters.CHECK.names == reporters.CHANGE.names


def test_merge_ignores_name_run_options() -> None:
    import dataclasses

    from wxcc_policy.commands.report import MERGE_IGNORES
    from wxcc_policy.commands.run_options import RunOptions

    assert set(MERGE_IGNORES) <= {f.name for f in dataclasses.fields(RunOptions)}


def _changed(tmp_path: Path) -> tuple[str, str, str]:
    import json

    from conftest import minimal_snapshot

    doc = minimal_snapshot()
    before = tmp_path / "before.json"
    before.write_text(json.dumps(doc, indent=2))
    doc["users"][0]["subscriptionId"] = "Sub-999"  # a new error
    after = tmp_path / "after.json"
    after.write_text(json.dumps(doc, indent=2))
    patch = tmp_path / "before.change.json"
    patch.write_text(json.dumps([{"op": "replace", "path": "/users/0/subscriptionId", "value": "Sub-999"}], indent=2))
    return str(before), str(after), str(patch)


@pytest.mark.parametrize("command", ["diff", "plan"])
def test_diff_and_plan_write_valid_junit_github_and_gitlab(runner: Any, tmp_path: Path, command: str) -> None:
    import json

    import xmlschema
    from junitparser import JUnitXml

    before, after, patch = _changed(tmp_path)
    args = [before, after] if command == "diff" else [before, patch]
    code, out, err = run_cli(runner, command, "--format", "junit", *args)
    assert code == 1, err
    xmlschema.XMLSchema(str(ROOT / "tests" / "data" / "external" / "JUnit.xsd")).validate(out)
    (tmp_path / "r.xml").write_text(out)
    cases = [case for suite in JUnitXml.fromfile(str(tmp_path / "r.xml")) for case in suite]
    failed = [c.name for c in cases if any(r._tag == "failure" for r in c.result)]
    assert failed == ["WXCC-ACC-001:org-acme-7f3a:users/u-admin-1"]

    code, out, _ = run_cli(runner, command, "--format", "github", *args)
    errors = [line for line in out.splitlines() if line.startswith("::error ")]
    assert code == 1 and len(errors) == 1 and "title=WXCC-ACC-001" in errors[0]
    assert any(line.startswith("::notice ") and "(unchanged)" in line for line in out.splitlines())

    code, out, _ = run_cli(runner, command, "--format", "gitlab", *args)
    issues = json.loads(out)
    assert code == 1 and "WXCC-ACC-001" in {i["check_name"] for i in issues}


def test_a_configured_format_applies_to_diff_and_plan(runner: Any, tmp_path: Path, monkeypatch: Any) -> None:
    """The one intended change of output in issue 16: `format: junit` used to be ignored by
    diff and plan (they printed text)."""
    before, after, patch = _changed(tmp_path)
    (tmp_path / ".wxcc-policy.yaml").write_text("format: junit\n")
    monkeypatch.chdir(tmp_path)
    for args in (["diff", before, after], ["plan", before, patch]):
        code, out, _ = run_cli(runner, *args)
        assert code == 1 and out.startswith("<?xml"), args
    code, out, _ = run_cli(runner, "forecast", "--days", "10", str(EXAMPLES / "acme-tenant.json"))
    assert code == 0 and "forecast from 2026-11-20" in out and "<?xml" not in out  # forecast has no junit: text


USAGE_MISTAKES = {
    "check": [[], ["--format", "nope", "x.json"], ["--bogus", "x.json"], ["--as-of", "2026-13-01", "x.json"]],
    "policies": [["--format", "nope"], ["extra"]],
    "test": [[], ["--format", "nope", "x"]],
    "explain": [[], ["--format", "nope", "P"]],
    "baseline": [[], ["--jobs", "0", "x.json"]],
    "report": [[], ["--shard", "5/2", "x"]],
    "diff": [["one.json"], ["--gate", "some", "a", "b"]],
    "plan": [[], ["--fail-on", "fatal", "a", "b"]],
    "forecast": [[], ["--days", "-1", "x.json"]],
}


def test_every_command_has_a_usage_mistake_listed() -> None:
    assert set(USAGE_MISTAKES) <= set(_commands())
    assert set(_commands()) - set(USAGE_MISTAKES) <= {"export", "schema", "lsp", "fix"}  # their own tests cover them


@pytest.mark.parametrize(("command", "args"), [(c, a) for c, cases in USAGE_MISTAKES.items() for a in cases])
def test_usage_errors_come_in_one_style(runner: Any, command: str, args: list[str]) -> None:
    code, out, err = run_cli(runner, command, *args)
    assert code == 2 and out == ""
    lines = err.splitlines()
    assert len(lines) == 1, err
    assert lines[0].startswith(f"wxcc-policy: error: {command}: "), err
    assert lines[0].endswith(f"(see 'wxcc-policy {command} --help')"), err


def test_an_unknown_command_is_the_same_style(runner: Any) -> None:
    code, _, err = run_cli(runner, "chekc")
    assert code == 2 and err.startswith("wxcc-policy: error: No such command 'chekc'")  # click >= 8.2 adds "Did you mean"
    assert err.endswith("(see 'wxcc-policy --help')\n") and err.count("\n") == 1


@pytest.mark.parametrize(
    ("command", "says"),
    [
        ("diff", "AFTER's capturedAt"),
        ("plan", "the snapshot's capturedAt"),
        ("forecast", "each snapshot's capturedAt"),
        ("explain", "the snapshot's capturedAt"),
        ("check", "each snapshot's capturedAt"),
    ],
)
def test_help_says_which_date_is_the_default(runner: Any, command: str, says: str) -> None:
    code, out, _ = run_cli(runner, command, "--help")
    assert code == 0 and says in " ".join(out.split())


def test_every_option_has_a_description() -> None:
    for name, command in _commands().items():
        for param in command.params:
            if param.param_type_name == "option":
                assert getattr(param, "help", None), f"{name} {param.opts}"

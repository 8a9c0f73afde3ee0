"""Regressions found by the end-to-end pass over the merged product (the README and docs
followed literally, every command's --help, hostile inputs)."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import run_cli

ROOT = Path(__file__).resolve().parents[1]
ACME = str(ROOT / "examples" / "tenants" / "acme-tenant.json")


@pytest.mark.parametrize(
    ("args", "command"),
    [
        (("forecast", ACME), "forecast"),
        (("schema", "nosuch"), "schema"),
        (("schema", "snapshot", "--write", "x"), "schema"),
        (("export", "webex"), "export webex"),
        (("baseline", "--accept-new", ACME), "baseline"),
    ],
)
def test_option_errors_name_the_command_and_its_help(runner, args: tuple[str, ...], command: str) -> None:
    code, out, err = run_cli(runner, *args)
    assert (code, out) == (2, "")
    assert err.startswith(f"wxcc-policy: error: {command}: ") and err.endswith(f" (see 'wxcc-policy {command} --help')\n")


def test_a_located_error_keeps_its_file_first(runner, tmp_path: Path) -> None:
    code, _, err = run_cli(runner, "check", str(tmp_path / "missing.json"))
    assert code == 2 and err == f"wxcc-policy: error: {tmp_path / 'missing.json'}: no such file or directory\n"


def test_policy_tests_on_a_directory_without_test_files_exit_2(runner, tmp_path: Path) -> None:
    (tmp_path / "tenant.json").write_text("{}")
    code, out, err = run_cli(runner, "test", str(tmp_path))
    assert (code, out) == (2, "")
    assert err == f"wxcc-policy: error: {tmp_path}: no policy test file found under {tmp_path} (*.test.yaml, *.test.yml)\n"


@pytest.mark.parametrize("option", ["--config", "--waivers"])
def test_invalid_utf8_in_a_configuration_file_is_located_at_the_byte(runner, tmp_path: Path, option: str) -> None:
    config = tmp_path / "c.yaml"
    config.write_bytes(b'failOn: error\nformat: "t\xffxt"\n')
    code, _, err = run_cli(runner, "check", option, str(config), ACME)
    assert code == 2 and err == f"wxcc-policy: error: {config}:2:11: invalid UTF-8: byte 0xff at byte offset 24\n"


def test_explain_help_states_the_format_default(runner) -> None:
    code, out, _ = run_cli(runner, "explain", "--help")
    assert code == 0 and "[default: text]" in " ".join(out.split()) and "--key KEY" in out


@pytest.mark.parametrize("options", [("--format", "json"), ("--key", "WXCC-ACC-001:org-x:users/u-17"), ("--as-of", "2026-11-20")])
def test_explain_without_a_snapshot_refuses_the_options_it_would_ignore(runner, options: tuple[str, str]) -> None:
    code, out, err = run_cli(runner, "explain", "WXCC-ACC-001", *options)
    assert (code, out) == (2, "")
    assert err.startswith(f"wxcc-policy: error: explain: {options[0]}") and "only with a SNAPSHOT" in err


@pytest.mark.parametrize(
    ("path", "said"),
    [
        ("/tenant/id", '/tenant/id holds "org-acme-7f3a", not "nope"'),
        ("/users/9", "nothing at /users/9"),
        ("/users/-", "nothing at /users/-"),
    ],
)
def test_a_failed_patch_test_is_said_in_json_terms(runner, tmp_path: Path, path: str, said: str) -> None:
    change = tmp_path / "change.json"
    change.write_text(f'[{{"op": "test", "path": "{path}", "value": "nope"}}]\n')
    code, out, _ = run_cli(runner, "plan", ACME, str(change))
    assert code == 1 and f"{change}:1:2: error CHANGE operation 1 (test {path}): test failed: {said}\n" in out and "class" not in out

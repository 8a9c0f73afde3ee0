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

"""`-` is standard input wherever a snapshot or a change file is read (check, diff, plan,
forecast, explain), named once at most; elsewhere it is a one-line usage error saying so.
Driven through the real command with a real pipe."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import EXAMPLES, minimal_snapshot

ACME = EXAMPLES / "acme-tenant.json"
BAD_PATCH = '[{"op": "replace", "path": "/users/1/subscriptionId", "value": "Sub-999"}]\n'


def _run(stdin: str, *args: str, cwd: Path | None = None) -> tuple[int, str, str]:
    done = subprocess.run(
        [sys.executable, "-m", "wxcc_policy", *args], input=stdin, capture_output=True, text=True, timeout=120, check=False, cwd=cwd
    )
    return done.returncode, done.stdout, done.stderr


def test_diff_reads_either_side_from_standard_input(tmp_path: Path) -> None:
    after = minimal_snapshot()
    after["users"][1]["subscriptionId"] = "Sub-999"
    after_path = tmp_path / "after.json"
    after_path.write_text(json.dumps(after, indent=2))
    code, out, err = _run(ACME.read_text(), "diff", "--format", "json", "-", str(after_path))
    change = json.loads(out)["changes"][0]
    assert code == 1 and err == ""
    assert change["before"]["file"] == "<stdin>" and change["after"]["file"] == str(after_path)
    assert [f["policy"] for f in change["findings"] if f["state"] == "new"] == ["WXCC-ACC-001"]
    code, out, _ = _run(after_path.read_text(), "diff", str(ACME), "-")
    assert code == 1 and "<stdin>:" in out and f"{ACME} -> <stdin>: 1 new" in out


def test_plan_reads_the_change_or_the_snapshot_from_standard_input() -> None:
    code, out, _ = _run(BAD_PATCH, "plan", str(ACME), "-")
    assert code == 1 and out.startswith("<stdin>:1:2: new error WXCC-ACC-001")


def test_plan_snapshot_from_standard_input(tmp_path: Path) -> None:
    patch = tmp_path / "patch.json"
    patch.write_text(BAD_PATCH)
    code, out, _ = _run(ACME.read_text(), "plan", "-", str(patch))
    assert code == 1 and f"<stdin> -> {patch}: 1 new, 1 unchanged, 0 resolved. Failed" in out


def test_forecast_and_explain_read_standard_input() -> None:
    code, out, _ = _run(ACME.read_text(), "forecast", "-", "--days", "30")
    assert code == 0 and out.splitlines()[-1].startswith("<stdin>: forecast from 2026-11-20 to 2026-12-20")
    code, out, _ = _run(ACME.read_text(), "explain", "WXCC-ACC-002", "-")
    assert code == 0 and "Snapshot <stdin> (subject org-acme-7f3a)" in out


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("diff", "-", "-"), "standard input (-) can be named only once: it holds one document"),
        (("plan", "-", "-"), "standard input (-) can be named only once: it holds one document"),
        (("plan", "--paired", "-"), "-: plan --paired reads change files beside their snapshots: standard input (-) cannot be paired"),
        (("plan", str(ACME), "-", "--write-after", "-"), "--write-after takes a file: standard output (-) holds the report"),
        (("check", "--config", "-", str(ACME)), "-: configuration file not found (standard input (-) holds only a snapshot"),
        (("check", "--waivers", "-", str(ACME)), "-: waiver file not found (standard input (-) holds only a snapshot"),
        (("check", "--baseline", "-", str(ACME)), "-: baseline file not found (standard input (-) holds only a snapshot"),
        (("check", "--policy-dir", "-", str(ACME)), "-: policy directory not found (standard input (-) holds only a snapshot"),
        (("test", "-"), "-: policy test file not found (standard input (-) holds only a snapshot"),
    ],
)
def test_where_standard_input_cannot_apply_one_line_says_so(args: tuple[str, ...], message: str, tmp_path: Path) -> None:
    code, out, err = _run(BAD_PATCH, *args, cwd=tmp_path)
    assert (code, out, err.count("\n")) == (2, "", 1), err
    assert message in err
    assert list(tmp_path.iterdir()) == []  # no file named `-` written

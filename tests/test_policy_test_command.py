"""`wxcc-policy test`: the messages a policy author meets first (issue 7 §6)."""

from __future__ import annotations

import shutil
from pathlib import Path

from conftest import ROOT, run_cli

PACK = ROOT / "examples" / "custom-policies"


def test_unloaded_policies_hint_at_the_directory_that_defines_them(runner, tmp_path: Path, monkeypatch) -> None:
    pack = tmp_path / "company-policies"
    shutil.copytree(PACK, pack)
    shutil.copytree(ROOT / "examples" / "tenants", tmp_path / "tenants")
    monkeypatch.chdir(tmp_path)
    code, _, err = run_cli(runner, "test", "company-policies/tests")
    assert code == 2
    assert "company-policies/tests/custom.test.yaml:2:12: unknown policy id 'ACME-EMAIL-001'" in err
    assert "load it with --policy-dir company-policies" in err
    assert "did you mean 'WXCC-TEL-001'" not in err
    code, out, _ = run_cli(runner, "test", "--policy-dir", "company-policies", "company-policies/tests")
    assert code == 0 and "0 failed" in out


def test_unknown_policy_without_a_directory_to_suggest(runner, tmp_path: Path) -> None:
    (tmp_path / "t.test.yaml").write_text("policies: [WXCC-ACC-001, ACME-NOPE-001]\ncases: [{name: n, snapshot: x.json, expect: []}]\n")
    code, _, err = run_cli(runner, "test", str(tmp_path / "t.test.yaml"))
    assert code == 2
    assert f"{tmp_path / 't.test.yaml'}:1:26: unknown policy id 'ACME-NOPE-001'" in err
    assert "--policy-dir DIR" in err


INLINE = """\
policies: [WXCC-ACC-001]
cases:
  - name: broken inline
    snapshot:
      snapshotVersion: "1"
      tenant: {id: org-acme}
      subscriptions: []
      users:
        - {id: u-1, roles: [agent], subscriptionId: 7}
    expect: []
"""


def test_invalid_inline_snapshot_is_located_in_the_test_file(runner, tmp_path: Path) -> None:
    path = tmp_path / "inline.test.yaml"
    path.write_text(INLINE)
    code, out, _ = run_cli(runner, "test", str(path))
    assert code == 1
    assert f"{path}:5:7: missing required property 'capturedAt'" in out  # the inline document
    assert f"{path}:9:53: /users/0/subscriptionId: 7 is not valid" in out  # the member itself
    assert "valid: : " not in out


def test_invalid_snapshot_file_is_located_in_that_file(runner, tmp_path: Path) -> None:
    (tmp_path / "bad.yaml").write_text('snapshotVersion: "1"\ntenant: {id: org-acme}\nsubscriptions: []\nusers: []\n')
    path = tmp_path / "file.test.yaml"
    path.write_text("policies: [WXCC-ACC-001]\nsnapshot: bad.yaml\ncases:\n  - {name: a file, expect: []}\n")
    code, out, _ = run_cli(runner, "test", str(path))
    assert code == 1
    assert f"{tmp_path / 'bad.yaml'}:1:1: missing required property 'capturedAt'" in out


def _block_after(page: str, marker: str, fence: str = "```yaml\n") -> str:
    start = page.index(fence, page.index(marker)) + len(fence)
    return page[start : page.index("```", start)]


def test_the_tutorial_runs_as_written(runner, tmp_path: Path, monkeypatch) -> None:
    """docs/policy-language.md, steps 1 and 2, pasted into files: its fixtures, anchors and output."""
    page = (ROOT / "docs" / "policy-language.md").read_text(encoding="utf-8")
    pack = tmp_path / "company-policies"
    (pack / "tests").mkdir(parents=True)
    (pack / "ACME-EMAIL-001.yaml").write_text(_block_after(page, "Create `company-policies/ACME-EMAIL-001.yaml`:"))
    test_file = _block_after(page, "Create `company-policies/tests/email.test.yaml`.")
    assert "fixtures:" in test_file and "snapshot: *stray" in test_file
    (pack / "tests" / "email.test.yaml").write_text(test_file)
    shutil.copytree(ROOT / "examples" / "tenants", tmp_path / "examples" / "tenants")
    monkeypatch.chdir(tmp_path)
    command = "$ wxcc-policy test --policy-dir company-policies company-policies/tests\n"
    expected = _block_after(page, command, command)
    code, out, err = run_cli(runner, "test", "--policy-dir", "company-policies", "company-policies/tests")
    assert (code, err) == (0, "") and out == expected


def test_a_pasted_placeholder_snapshot_is_named_as_one(runner, tmp_path: Path) -> None:
    for given, message in (
        ("...", "snapshot: ... is a placeholder: give a snapshot file (relative to this test file) or the snapshot itself, inline"),
        ("nope.json", f"snapshot file not found: {tmp_path / 'nope.json'} (a path relative to this test file, or the snapshot itself"),
    ):
        (tmp_path / "t.test.yaml").write_text(f"policies: [WXCC-ACC-001]\ncases: [{{name: n, snapshot: {given}, expect: []}}]\n")
        code, out, err = run_cli(runner, "test", str(tmp_path / "t.test.yaml"))
        assert (code, out, err.count("\n")) == (2, "", 1) and f"{tmp_path / 't.test.yaml'}:2:" in err and message in err, err

"""`plan SNAPSHOT CHANGE`: a JSON Patch or merge patch judged in memory; new findings located
at the operation that wrote their value; every bad change a located error, exit 1."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from conftest import ROOT, minimal_snapshot, run_cli

SCHEMA = json.loads((ROOT / "schemas" / "diff.schema.json").read_text())

PATCH = """[
  {"op": "test", "path": "/tenant/id", "value": "org-acme-7f3a"},
  {"op": "replace", "path": "/users/0/subscriptionId", "value": "Sub-999"},
  {"op": "replace", "path": "/users/2/subscriptionId", "value": "Sub-100"},
  {"op": "replace", "path": "/subscriptions/0/endDate", "value": "2026-11-01"}
]
"""


@pytest.fixture
def snapshot(tmp_path: Path) -> Path:
    path = tmp_path / "tenant.json"
    path.write_text(json.dumps(minimal_snapshot(), indent=2))
    return path


def _change(tmp_path: Path, text: str, name: str = "change.json") -> str:
    path = tmp_path / name
    path.write_text(text)
    return str(path)


def _plan(runner: Any, *args: str) -> tuple[int, dict[str, Any]]:
    code, out, _ = run_cli(runner, "plan", "--format", "json", *args)
    result = json.loads(out)
    jsonschema.Draft202012Validator(SCHEMA, format_checker=jsonschema.FormatChecker()).validate(result)
    return code, result


def test_new_findings_at_the_operations(runner: Any, snapshot: Path, tmp_path: Path) -> None:
    original = snapshot.read_bytes()
    change = _change(tmp_path, PATCH)
    code, result = _plan(runner, str(snapshot), change)
    assert code == 1
    findings = {(f["state"], f["key"].split(":", 2)[2], f["policy"]): f for f in result["changes"][0]["findings"]}
    written = findings[("new", "users/u-admin-1", "WXCC-ACC-001")]
    assert (written["file"], written["line"], written["column"]) == (change, 3, 3)
    assert written["trigger"] == "operation 2 (replace /users/0/subscriptionId)"
    # u-agent-1 was not touched: its finding arose from operation 4, located in the snapshot.
    elsewhere = findings[("new", "users/u-agent-1", "WXCC-ACC-001")]
    assert elsewhere["file"] == str(snapshot) and elsewhere["pointer"] == "/users/1/subscriptionId"
    assert elsewhere["message"].endswith("(after operation 4 (replace /subscriptions/0/endDate))")
    resolved = findings[("resolved", "users/u-agent-2", "WXCC-ACC-002")]
    assert resolved["file"] == str(snapshot)
    assert snapshot.read_bytes() == original  # never written


def test_text_lines(runner: Any, snapshot: Path, tmp_path: Path) -> None:
    change = _change(tmp_path, PATCH)
    code, out, _ = run_cli(runner, "plan", str(snapshot), change)
    assert code == 1
    assert f"{change}:3:3: new error WXCC-ACC-001 User admin1@acme.example (u-admin-1) is mapped to Sub-999" in out
    assert out.splitlines()[-1] == f"{snapshot} -> {change}: 4 new, 0 unchanged, 1 resolved. Failed: 3 new findings at or above error."


def test_a_fix_passes_and_write_after(runner: Any, snapshot: Path, tmp_path: Path) -> None:
    change = _change(
        tmp_path, "users:\n  - {id: u-admin-1, email: admin1@acme.example, roles: [admin], subscriptionId: Sub-100}\n", "fix.yaml"
    )
    after = tmp_path / "after.json"
    code, result = _plan(runner, str(snapshot), change, "--write-after", str(after))
    assert code == 0
    states = sorted(f["state"] for f in result["changes"][0]["findings"])
    assert states == ["resolved"]
    assert [u["id"] for u in json.loads(after.read_text())["users"]] == ["u-admin-1"]
    assert run_cli(runner, "check", str(after))[0] == 0


def test_moving_array_elements_is_no_change(runner: Any, snapshot: Path, tmp_path: Path) -> None:
    change = _change(
        tmp_path,
        '[{"op": "move", "from": "/users/0", "path": "/users/-"}, {"op": "move", "from": "/subscriptions/1", "path": "/subscriptions/0"}]',
    )
    code, result = _plan(runner, str(snapshot), change)
    assert code == 0
    assert [f["state"] for f in result["changes"][0]["findings"]] == ["unchanged"]


def test_merge_patch_member_located(runner: Any, snapshot: Path, tmp_path: Path) -> None:
    change = _change(tmp_path, '{\n  "subscriptions": null,\n  "tenant": {"partnerId": "partner-x"}\n}\n', "merge.json")
    code, out, _ = run_cli(runner, "plan", str(snapshot), change)
    assert code == 1
    assert f"{change}:2:20: error CHANGE operation 1 (member /subscriptions): the result breaks the snapshot schema at /" in out


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ('[\n  {"op": "test", "path": "/tenant/id", "value": "org-acme-7f3a"},\n  {"op": "remove", "path": "/users/17"}\n]',
         "change.json:3:3: operation 2 (remove /users/17): no such path"),
        ('[{"op": "test", "path": "/tenant/id", "value": "nope"}]', "change.json:1:2: operation 1 (test /tenant/id): test failed"),
        ('[{"path": "/users"}]', "change.json:1:2: operation 1 (malformed): malformed operation"),
        ('[{"op": "frobnicate", "path": "/users"}]', "change.json:1:2: operation 1 (frobnicate /users): malformed operation"),
        ('[{"op": "add", "path": "users", "value": 1}]', "change.json:1:2: operation 1 (add users): malformed path"),
        ('[{"op": "add", "path": "/nope/deeper", "value": 1}]', "change.json:1:2: operation 1 (add /nope/deeper): no such path"),
        ('[{"op": "move", "from": "/nowhere", "path": "/x"}]', "change.json:1:2: operation 1 (move /x from /nowhere): no such path"),
        ('["remove"]', "change.json:1:2: operation 1 (not an object): an operation is an object"),
        ('"users"', "change.json:1:1: a change is a JSON Patch (a list of operations) or a merge patch (an object)"),
        ('[{"op": "remove", "path": "/users/0"}', "change.json:1:38: invalid JSON"),
    ],
)  # fmt: skip
def test_bad_changes_are_located(runner: Any, snapshot: Path, tmp_path: Path, text: str, expected: str) -> None:
    change = _change(tmp_path, text)
    code, out, err = run_cli(runner, "plan", str(snapshot), change)
    assert code == 1 and err == ""
    file, _, rest = expected.partition(":")
    where, _, message = rest.partition(": ")
    assert f"{tmp_path / file}:{where}: error CHANGE {message}" in out
    assert "Traceback" not in out


def test_schema_errors_at_the_operation_that_caused_them(runner: Any, snapshot: Path, tmp_path: Path) -> None:
    text = (
        "- op: add\n  path: /users/-\n  value: {id: u-new, roles: [agent], subscriptionId: Sub-100, bogus: 1}\n"
        "- op: replace\n  path: /subscriptions/0/status\n  value: weird\n"
    )
    change = _change(tmp_path, text, "change.yaml")
    code, out, _ = run_cli(runner, "plan", str(snapshot), change)
    assert code == 1
    lines = out.splitlines()
    assert (
        lines[0] == f"{change}:1:3: error CHANGE operation 1 (add /users/-): the result breaks the snapshot schema at /users/3/bogus: "
        "unknown property 'bogus'"
    )
    assert lines[1].startswith(f"{change}:4:3: error CHANGE operation 2 (replace /subscriptions/0/status): the result breaks")


def test_paired_directory(runner: Any, tmp_path: Path) -> None:
    snapshots = tmp_path / "tenants"
    snapshots.mkdir()
    (snapshots / "acme.json").write_text(json.dumps(minimal_snapshot(), indent=2))
    (snapshots / "acme.change.json").write_text('[{"op": "replace", "path": "/users/0/subscriptionId", "value": "Sub-200"}]')
    (snapshots / "other.yaml").write_text(json.dumps(minimal_snapshot()))
    (snapshots / "other.change.yml").write_text("tenant: {name: Renamed}\n")
    code, result = _plan(runner, "--paired", str(snapshots))
    assert code == 0
    assert [(c["before"]["file"], c["change"]) for c in result["changes"]] == [
        (str(snapshots / "acme.json"), str(snapshots / "acme.change.json")),
        (str(snapshots / "other.yaml"), str(snapshots / "other.change.yml")),
    ]
    _, out, _ = run_cli(runner, "check", str(snapshots))  # change files are not snapshots
    assert "CHANGE" not in out and " SCHEMA " not in out


def test_pairing_errors(runner: Any, tmp_path: Path) -> None:
    lonely = _change(tmp_path, "[]", "lonely.change.json")
    code, _, err = run_cli(runner, "plan", "--paired", lonely)
    assert code == 2 and f"{lonely}: no snapshot lonely.json, lonely.yaml or lonely.yml beside this change file" in err
    code, _, err = run_cli(runner, "plan", str(tmp_path / "only-one.json"))
    assert code == 2 and "plan takes SNAPSHOT CHANGE" in err


def test_a_change_that_doubles_the_document_is_refused_at_the_operation(runner: Any, snapshot: Path, tmp_path: Path) -> None:
    """Twenty copies of /users into itself doubled the document each time: out of memory (issue 17)."""
    copies = ",\n".join('  {"op": "copy", "from": "/users", "path": "/users/-"}' for _ in range(30))
    change = _change(tmp_path, f"[\n{copies}\n]")
    code, out, err = run_cli(runner, "plan", str(snapshot), change)
    assert code == 1 and err == "", err
    line = next(x for x in out.splitlines() if "error CHANGE" in x)
    assert line.startswith(f"{change}:") and "(copy /users/- from /users): the patched document would hold" in line
    assert "at most 20,000,000" in line


def test_a_change_may_copy_within_the_bound(runner: Any, snapshot: Path, tmp_path: Path) -> None:
    """A copy over a value replaced by it is not counted twice."""
    ops = [{"op": "copy", "from": "/users", "path": "/users"}] * 200
    change, after = _change(tmp_path, json.dumps(ops)), tmp_path / "after.json"
    code, out, _ = run_cli(runner, "plan", str(snapshot), change, "--write-after", str(after))
    assert code == 0 and "Passed" in out
    assert json.loads(after.read_text())["users"] == json.loads(snapshot.read_text())["users"]


def test_paired_snapshots_bring_their_change_files_or_are_left_to_check(runner: Any, tmp_path: Path) -> None:
    """What a pre-commit hook with `files: ^tenants/` passes: snapshots, change files, others."""
    tenants = tmp_path / "tenants"
    tenants.mkdir()
    (tenants / "acme.json").write_text(json.dumps(minimal_snapshot(), indent=2))
    (tenants / "acme.change.json").write_text('[{"op": "replace", "path": "/users/0/subscriptionId", "value": "Sub-999"}]')
    (tenants / "clean.yaml").write_text(json.dumps(minimal_snapshot()))
    (tenants / "README.md").write_text("# our tenants\n")
    given = [str(tenants / n) for n in ("acme.json", "clean.yaml", "README.md", "acme.change.json")]
    code, result = _plan(runner, "--paired", *given)
    assert code == 1  # the change adds an error: judged once, though named twice (itself and its snapshot)
    pairs = [(c["before"]["file"], c["change"]) for c in result["changes"]]
    assert pairs == [(str(tenants / "acme.json"), str(tenants / "acme.change.json"))]
    code, out, err = run_cli(runner, "plan", "--paired", str(tenants / "clean.yaml"), str(tenants / "README.md"))
    assert (code, out, err) == (0, "No change file to judge (X.change.json|yaml|yml beside its snapshot X.json|yaml|yml). Passed.\n", "")


def test_paired_refuses_standard_input_and_missing_paths(runner: Any, tmp_path: Path) -> None:
    code, _, err = run_cli(runner, "plan", "--paired", "-")
    assert code == 2 and err.count("\n") == 1 and "standard input (-) cannot be paired" in err
    code, _, err = run_cli(runner, "plan", "--paired", str(tmp_path / "gone.json"))
    assert code == 2 and f"{tmp_path / 'gone.json'}: no such file or directory" in err

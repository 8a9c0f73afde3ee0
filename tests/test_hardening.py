"""Issue 12: output never destroys a file, policies reach nothing outside the run, one bad
file never hides the others, no internal error on hostile input, a wrong path fails.

Each test failed before its fix (docs/hardening.md lists the rules they check).
"""

from __future__ import annotations

import hashlib
import json
import os
import socket
import stat
import subprocess
import sys
import threading
from pathlib import Path
from typing import Any

import pytest
from conftest import EXAMPLES, ROOT, minimal_snapshot, run_cli

ACME = EXAMPLES / "acme-tenant.json"
EMAIL_POLICY = ROOT / "examples" / "custom-policies" / "ACME-EMAIL-001.yaml"


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _write_json(path: Path, doc: Any, indent: int | None = 2) -> Path:
    path.write_text(json.dumps(doc, indent=indent), encoding="utf-8")
    return path


def _one_line_error(err: str) -> None:
    assert err.count("\n") == 1 and err.startswith("wxcc-policy: error: "), err
    assert "internal error" not in err and "Traceback" not in err


# §1 Output never destroys anything


@pytest.mark.parametrize("how", ["same", "symlink", "hardlink"])
def test_an_output_that_is_an_input_is_refused(runner, tmp_path: Path, how: str) -> None:
    snapshot = tmp_path / "tenant.json"
    snapshot.write_bytes(ACME.read_bytes())
    output = {"same": snapshot, "symlink": tmp_path / "link.json", "hardlink": tmp_path / "hard.json"}[how]
    if how == "symlink":
        output.symlink_to(snapshot.name)
    elif how == "hardlink":
        os.link(snapshot, output)
    code, out, err = run_cli(runner, "check", "--format", "json", "-o", str(output), str(snapshot))
    assert code == 2 and out == ""
    _one_line_error(err)
    assert "which this run reads" in err
    assert snapshot.read_bytes() == ACME.read_bytes()


def test_an_output_over_a_snapshot_found_in_a_directory_is_refused(runner, tmp_path: Path) -> None:
    (tmp_path / "a.json").write_bytes(ACME.read_bytes())
    code, _, err = run_cli(runner, "check", "-o", str(tmp_path / "a.json"), str(tmp_path))
    assert code == 2 and "which this run reads" in err
    assert (tmp_path / "a.json").read_bytes() == ACME.read_bytes()


def test_policies_output_over_a_policy_or_the_configuration_is_refused(runner, tmp_path: Path) -> None:
    pack = tmp_path / "pack"
    pack.mkdir()
    policy = pack / EMAIL_POLICY.name
    policy.write_bytes(EMAIL_POLICY.read_bytes())
    config = tmp_path / "config.yaml"
    config.write_text("policyDirs: [pack]\n")
    for target in (policy, config):
        code, _, err = run_cli(runner, "policies", "--config", str(config), "--policy-dir", str(pack), "-o", str(target))
        assert code == 2 and "which this run reads" in err
    assert policy.read_bytes() == EMAIL_POLICY.read_bytes() and config.read_text() == "policyDirs: [pack]\n"


def test_a_new_report_gets_the_umask_mode_and_an_existing_one_keeps_its_mode(runner, tmp_path: Path) -> None:
    old = os.umask(0o022)
    try:
        fresh = tmp_path / "fresh.txt"
        assert run_cli(runner, "check", "-o", str(fresh), str(ACME))[0] == 0
        assert stat.S_IMODE(fresh.stat().st_mode) == 0o644
        kept = tmp_path / "kept.txt"
        kept.write_text("old")
        kept.chmod(0o640)
        assert run_cli(runner, "check", "-o", str(kept), str(ACME))[0] == 0
        assert stat.S_IMODE(kept.stat().st_mode) == 0o640 and "1 file checked" in kept.read_text()
    finally:
        os.umask(old)


def test_a_symlinked_output_replaces_its_target_and_keeps_the_link(runner, tmp_path: Path) -> None:
    (tmp_path / "reports").mkdir()
    target = tmp_path / "reports" / "r.txt"
    target.write_text("old")
    link = tmp_path / "r.txt"
    link.symlink_to(target)
    assert run_cli(runner, "check", "-o", str(link), str(ACME))[0] == 0
    assert link.is_symlink() and "1 file checked" in target.read_text()


def test_a_hard_linked_output_is_rewritten_in_place_for_every_link(runner, tmp_path: Path) -> None:
    first = tmp_path / "r.txt"
    first.write_text("an older and longer report that must not survive in part " * 20)
    second = tmp_path / "same.txt"
    os.link(first, second)
    assert run_cli(runner, "check", "-o", str(first), str(ACME))[0] == 0
    assert first.stat().st_nlink == 2 and os.path.samefile(first, second)
    assert second.read_text() == first.read_text() and first.read_text().endswith("Passed.\n")


def test_a_fifo_and_a_device_are_written_through_not_replaced(runner, tmp_path: Path) -> None:
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    received: list[bytes] = []
    reader = threading.Thread(target=lambda: received.append(fifo.read_bytes()))
    reader.start()
    assert run_cli(runner, "check", "-o", str(fifo), str(ACME))[0] == 0
    reader.join(10)
    assert stat.S_ISFIFO(fifo.stat().st_mode) and b"1 file checked" in received[0]
    assert run_cli(runner, "check", "-o", os.devnull, str(ACME))[0] == 0
    assert stat.S_ISCHR(os.stat(os.devnull).st_mode)


@pytest.mark.parametrize("fmt", ["json", "text"])
def test_a_report_written_into_a_checked_directory_is_not_read_back(runner, tmp_path: Path, fmt: str) -> None:
    (tmp_path / "tenant.json").write_bytes(ACME.read_bytes())
    report = tmp_path / "report.json"
    assert run_cli(runner, "check", "--format", fmt, "-o", str(report), str(tmp_path))[0] == 0
    code, out, _ = run_cli(runner, "check", "--format", "json", str(tmp_path))
    assert code == 0 and [r["file"] for r in json.loads(out)["results"]] == [str(tmp_path / "tenant.json")]
    code, out, _ = run_cli(runner, "check", str(report))  # named: says what it is
    assert code == 1 and "is a wxcc-policy report, not a snapshot" in out


def test_a_full_device_is_a_one_line_error(runner) -> None:
    code, _, err = run_cli(runner, "check", "-o", "/dev/full", str(ACME))
    assert code == 2
    _one_line_error(err)
    assert "No space left on device" in err


@pytest.mark.parametrize("redirect", ["> /dev/full", ">&-"])
def test_a_full_or_closed_stdout_is_a_one_line_error(redirect: str) -> None:
    script = f'"{sys.executable}" -m wxcc_policy check "{ACME}" {redirect}'
    done = subprocess.run(["sh", "-c", script], capture_output=True, text=True, timeout=60, check=False)
    assert done.returncode == 2
    _one_line_error(done.stderr)


# §2 Policies reach nothing outside the run


def _pack_with_schema(tmp_path: Path, schema: str) -> Path:
    pack = tmp_path / "pack"
    pack.mkdir(exist_ok=True)
    text = EMAIL_POLICY.read_text().replace("schema: {type: array, items: {type: string}, minItems: 1}", f"schema: {schema}")
    (pack / EMAIL_POLICY.name).write_text(text)
    return pack


def test_a_file_ref_in_a_parameter_schema_reads_no_file(runner, tmp_path: Path) -> None:
    secret = tmp_path / "secret.json"
    secret.write_text('{"const": "TOP-SECRET"}')
    pack = _pack_with_schema(tmp_path, f'{{type: array, items: {{$ref: "{secret.as_uri()}"}}}}')
    code, _, err = run_cli(runner, "policies", "--policy-dir", str(pack))
    assert code == 2
    _one_line_error(err)
    assert f"{pack / EMAIL_POLICY.name}:11:13:" in err and "points outside the schema" in err and "TOP-SECRET" not in err


def test_an_http_ref_in_a_parameter_schema_makes_no_request(runner, tmp_path: Path) -> None:
    server = socket.create_server(("127.0.0.1", 0))
    server.settimeout(0.5)
    port = server.getsockname()[1]
    pack = _pack_with_schema(tmp_path, f'{{type: array, items: {{$ref: "http://127.0.0.1:{port}/s.json"}}}}')
    code, _, err = run_cli(runner, "policies", "--policy-dir", str(pack))
    assert code == 2 and "points outside the schema" in err
    with pytest.raises(TimeoutError):
        server.accept()  # nobody called
    server.close()


def test_a_local_ref_in_a_parameter_schema_still_works(runner, tmp_path: Path) -> None:
    pack = _pack_with_schema(tmp_path, '{type: array, items: {$ref: "#/$defs/domain"}, $defs: {domain: {type: string}}}')
    code, out, _ = run_cli(runner, "policies", "--policy-dir", str(pack))
    assert code == 0 and "ACME-EMAIL-001" in out


def test_a_schema_name_is_never_a_path(tmp_path: Path) -> None:
    from importlib import resources

    from wxcc_policy.validation.schemas import load_schema

    (tmp_path / "outside.schema.json").write_text('{"type": "object"}')
    with resources.as_file(resources.files("wxcc_policy.schemas")) as bundled:
        name = os.path.relpath(tmp_path / "outside", bundled)  # ../../tmp/.../outside
    with pytest.raises(FileNotFoundError):
        load_schema(name)


# §4 One bad file never hides the others


# A policy that fails on a tenant without users (a snapshot the schema admits): since issue
# 17, extreme dates and quantities are schema errors, so a failing policy is written here.
_DIVIDING = """id: ACME-DIV-001
title: Users per subscription
severity: info
description: d
rationale: r
remediation: m
forEach: {as: s, in: subscriptions}
assert: "count(subscriptions) / count(users) > 0"
report: {at: s, key: "subscriptions/{s.id}", message: "m"}
"""


def _dividing_pack(tmp_path: Path) -> Path:
    pack = tmp_path / "dividing"
    pack.mkdir()
    (pack / "ACME-DIV-001.yaml").write_text(_DIVIDING)
    return pack


def test_a_policy_failing_on_one_file_keeps_the_others_and_exits_2(runner, tmp_path: Path) -> None:
    tenants, pack = tmp_path / "tenants", _dividing_pack(tmp_path)
    tenants.mkdir()
    _write_json(tenants / "a-good.json", minimal_snapshot())
    _write_json(tenants / "b-bad.json", minimal_snapshot(users=[]))
    code, out, err = run_cli(runner, "check", "--policy-dir", str(pack), "--format", "json", str(tenants))
    results = json.loads(out)["results"]
    assert code == 2 and err == ""
    assert results[0]["findings"] and results[0]["evalError"] is None
    message = results[1]["evalError"]["message"]
    assert message.startswith("policy ACME-DIV-001: division by zero") and f" (at {pack / 'ACME-DIV-001.yaml'}:" in message
    code, out, _ = run_cli(runner, "check", "--policy-dir", str(pack), str(tenants))
    assert code == 2 and f"{tenants / 'b-bad.json'}:1:1: error EVAL policy ACME-DIV-001" in out


def test_an_unreadable_file_is_its_own_result(runner, tmp_path: Path) -> None:
    unreadable = tmp_path / "a.json"
    unreadable.symlink_to("/proc/self/mem")  # a regular file that even root cannot read at offset 0
    _write_json(tmp_path / "b.json", minimal_snapshot())
    code, out, _ = run_cli(runner, "check", "--format", "json", str(tmp_path))
    results = json.loads(out)["results"]
    assert code == 1
    assert results[0]["parseError"] == {"message": "cannot read: Input/output error", "line": 1, "column": 1}
    assert results[1]["findings"]


def test_a_policy_failing_in_one_test_case_keeps_the_other_cases(runner, tmp_path: Path) -> None:
    empty = '{snapshotVersion: "1", capturedAt: "2026-11-20T00:00:00Z", tenant: {id: t}, subscriptions: [], users: []}'
    subscription = "{id: S, status: active, createdAt: 2024-01-10, startDate: 2024-02-01, endDate: 2027-12-31, "
    subscription += "licenseModel: named, offer: o, telephony: vpop}"
    failing = empty.replace("subscriptions: []", f"subscriptions: [{subscription}]")
    cases = f"  - {{name: failing, snapshot: {failing}, expect: []}}\n  - {{name: fine, snapshot: {empty}, expect: []}}\n"
    path = _test_file(tmp_path, "t.test.yaml", f"policies: [ACME-DIV-001]\ncases:\n{cases}")
    code, out, err = run_cli(runner, "test", "--policy-dir", str(_dividing_pack(tmp_path)), str(path))
    assert code == 1 and err == ""
    assert "error: a policy failed: policy ACME-DIV-001: " in out and f"PASS {path}: fine" in out


# §5 No internal error on any input


def _deep_json(levels: int) -> str:
    return '{"snapshotVersion": "1", "x": ' + "[" * levels + "]" * levels + "}"


def _alias_chain(links: int) -> str:
    return "a0: &a0 [1]\n" + "".join(f"a{i}: &a{i} [*a{i - 1}]\n" for i in range(1, links))


def _snapshot_text(**overrides: Any) -> str:
    return json.dumps(minimal_snapshot(**overrides), indent=2)


# (file name, content, exit code, where the error is "line:column", message fragment)
HOSTILE = [
    ("deep-300.json", _deep_json(300), 1, "1:231", "nesting is deeper than 200 levels"),
    ("deep-900.json", _deep_json(900), 1, "1:231", "nesting is deeper than 200 levels"),
    ("alias-chain.yaml", _alias_chain(1200), 1, "199:7", "nesting is deeper than 200 levels (aliases expanded)"),
    ("big-int.json", '{"a": ' + "7" * 4301 + "}", 1, "1:7", "an integer of more than 4,300 digits"),
    ("big-int.yaml", "a: " + "7" * 4301 + "\n", 1, "1:4", "an integer of more than 4,300 digits"),
    ("huge-float.json", '{"a": [1, 1e400]}', 1, "1:11", "1e400 is too large for a number"),
    ("int-key.yaml", "{1: a}\n", 1, "1:1", "missing required property"),
    ("null-key.yaml", "{~: a}\n", 1, "1:1", "missing required property"),
    ("bad-int-tag.yaml", "a: !!int x\n", 1, "1:4", "'x' is not a valid !!int"),
    ("surrogate-value.json", '{"a": "\\ud800"}', 1, "1:8", "\\ud800 is a lone surrogate"),
    ("surrogate-id.yaml", 'tenant: {id: "\\ud800"}\n', 1, "1:17", "invalid Unicode character escape"),
    ("control-char.yaml", "a: b\nc: \x01\n", 1, "2:4", "character #x0001: control characters are not allowed"),
    ("tz-underflow.json", _snapshot_text(capturedAt="0001-01-01T00:00:00+01:00"), 1, "3:17", "not a valid date-time"),
    ("year-0000.json", _snapshot_text(capturedAt="0000-01-01T00:00:00Z"), 1, "3:17", "not a valid date-time"),
    ("leap-second.json", _snapshot_text(capturedAt="2026-06-30T23:59:60Z"), 1, "3:17", "no leap second"),
]


@pytest.mark.parametrize(("name", "content", "code", "where", "fragment"), HOSTILE, ids=[h[0] for h in HOSTILE])
def test_hostile_input_is_a_located_one_line_problem(
    runner, tmp_path: Path, name: str, content: str, code: int, where: str, fragment: str
) -> None:
    path = tmp_path / name
    path.write_text(content, encoding="utf-8")
    exit_code, out, err = run_cli(runner, "check", str(path))
    assert exit_code == code and err == ""
    first = out.splitlines()[0]
    assert first.startswith(f"{path}:{where}: error ") and fragment in first, first
    assert "internal error" not in out


def test_a_line_start_index_that_runs_past_its_array_is_not_trusted() -> None:
    from wxcc_policy.inputs.json_reader import JsonLocator, parse_json

    # Every line at one indentation: the shortcut for "a" finds its second line start in "b".
    text = '{\n  "a": [\n  [],\n  null\n  ],\n  "b": [\n  []\n  ]\n}'
    locator = JsonLocator(text, parse_json(text))
    assert locator.offset(("b", "0")) == text.index("[]", text.index('"b"'))
    assert locator.offset(("a", "1")) == text.index("null")


def test_a_far_date_is_a_located_schema_error_not_a_crash(runner, tmp_path: Path) -> None:
    """Issue 17 moved it from a policy error (exit 2, at 1:1) to the input (exit 1, at the value)."""
    path = _write_json(tmp_path / "far.json", minimal_snapshot(capturedAt="9999-12-31T00:00:00Z"))
    code, out, err = run_cli(runner, "check", str(path))
    assert code == 1 and err == "" and "internal error" not in out
    assert out.startswith(f"{path}:3:17: error SCHEMA ") and "date-time (RFC 3339) in the years 0001 to 9000" in out


def test_a_file_name_that_is_not_utf8_gives_a_valid_utf8_report(runner, tmp_path: Path) -> None:
    directory = os.fsencode(tmp_path)
    bad = directory + b"/bad\xff.json"
    with open(bad, "wb") as fh:
        fh.write(ACME.read_bytes())
    code, out, _ = run_cli(runner, "check", "--format", "json", str(tmp_path))
    assert code == 0 and json.loads(out)["results"][0]["file"].endswith("bad\\xff.json")
    report = tmp_path / "report.json"
    code, _, _ = run_cli(runner, "check", "--format", "json", "-o", str(report), os.fsdecode(bad))
    assert code == 0
    assert json.loads(report.read_bytes().decode("utf-8"))["results"][0]["file"].endswith("bad\\xff.json")


def test_explain_on_an_unreadable_or_leap_second_snapshot_is_one_line(runner, tmp_path: Path) -> None:
    unreadable = tmp_path / "mem.json"
    unreadable.symlink_to("/proc/self/mem")
    leap = _write_json(tmp_path / "leap.json", minimal_snapshot(capturedAt="2026-06-30T23:59:60Z"))
    for path in (unreadable, leap):
        code, out, err = run_cli(runner, "explain", "WXCC-ACC-002", str(path))
        assert code == 1 and len((out + err).splitlines()) == 1 and "not valid" in out + err


# `test`: policy test files


def _test_file(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text)
    return path


_CASE = """policies: [WXCC-ACC-002]
{head}cases:
  - name: one
    snapshot: {{snapshotVersion: "1", capturedAt: "2026-11-20T09:00:00Z", tenant: {{id: t, x: {value}}}, subscriptions: [], users: []}}
    expect: []
"""


def test_a_fifo_named_like_a_test_file_does_not_block(runner, tmp_path: Path) -> None:
    os.mkfifo(tmp_path / "blocked.test.yaml")
    code, _, err = run_cli(runner, "test", str(tmp_path / "blocked.test.yaml"))
    assert code == 2 and "not a regular file" in err
    _test_file(tmp_path, "ok.test.yaml", _CASE.format(head="", value="1"))
    code, out, _ = run_cli(runner, "test", str(tmp_path))  # in a directory walk it is skipped
    assert code == 1 and "ok.test.yaml" in out


@pytest.mark.parametrize(
    ("head", "value", "where", "fragment"),
    [
        ("", "1e400", "4:93", "1e400 is too large for a number"),
        (
            "fixtures:\n  a0: &a0 [1]\n" + "".join(f"  a{i}: &a{i} [*a{i - 1}]\n" for i in range(1, 260)),
            "*a259",
            "200:9",
            "nesting is deeper",
        ),
        ('asOf: "2026-02-30"\n', "1", "2:7", '"2026-02-30" is not a valid date'),
    ],
    ids=["inline-1e400", "deep-aliases", "asOf-feb-30"],
)
def test_bad_test_files_are_located_errors(runner, tmp_path: Path, head: str, value: str, where: str, fragment: str) -> None:
    path = _test_file(tmp_path, "t.test.yaml", _CASE.format(head=head, value=value))
    code, _, err = run_cli(runner, "test", str(path))
    assert code == 2
    _one_line_error(err)
    assert f"{path}:{where}" in err and fragment in err


# §6 Wrong answers


def test_an_empty_directory_fails_the_gate(runner, tmp_path: Path) -> None:
    (tmp_path / "notes.txt").write_text("not a snapshot")
    code, out, err = run_cli(runner, "check", str(tmp_path))
    assert code == 2 and out == ""
    _one_line_error(err)
    assert f"no snapshot found under {tmp_path}" in err


def test_the_same_policy_directory_twice_is_loaded_once(runner, tmp_path: Path) -> None:
    pack = tmp_path / "pack"
    pack.mkdir()
    (pack / EMAIL_POLICY.name).write_bytes(EMAIL_POLICY.read_bytes())
    config = tmp_path / "config.yaml"
    config.write_text("policyDirs: [pack]\n")
    code, out, err = run_cli(runner, "policies", "--config", str(config), "--policy-dir", str(tmp_path / "." / "pack"))
    assert code == 0 and err == "" and out.count("ACME-EMAIL-001") == 1


def test_standard_input_named_twice_is_refused(runner: Any) -> None:
    # Regression: `check - -` read standard input twice and reported its findings twice.
    code, out, err = run_cli(runner, "check", "-", "-")
    assert code == 2 and "standard input (-) can be named only once" in err and out == ""


def test_output_dash_is_standard_output(runner: Any, tmp_path: Path, monkeypatch: Any) -> None:
    monkeypatch.chdir(tmp_path)
    code, out, _ = run_cli(runner, "check", "--format", "json", "-o", "-", str(EXAMPLES / "acme-tenant.json"))
    assert code == 0 and json.loads(out)["summary"]["files"] == 1
    assert not (tmp_path / "-").exists()

"""Waivers: matching, expiry on the evaluation date, unused and expiring waivers, located errors."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from conftest import EXAMPLES, ROOT, run_cli

from wxcc_policy.evaluation.results import FileResult, Finding, RunResult
from wxcc_policy.evaluation.waivers import WaiverRule, WaiverSettings, apply_waivers, pointer_glob

VIOLATIONS = str(EXAMPLES / "violations-tenant.yaml")  # capturedAt 2026-11-20, tenant org-x
ACME = str(EXAMPLES / "acme-tenant.json")  # capturedAt 2026-11-20, passes at --fail-on error
TEL_KEY = "WXCC-TEL-001:org-x:subscriptions/Sub-2"  # an error that does not depend on the date


def waiver(**fields: Any) -> dict[str, Any]:
    return {
        "reason": "accepted until the migration",
        "owner": "alice@example.com",
        "granted": "2026-11-01",
        "expires": "2027-01-31",
        **fields,
    }


def write_waivers(path: Path, *waivers: dict[str, Any]) -> str:
    lines = ["waivers:"]
    for w in waivers:
        lines += [f"  - {k}: {json.dumps(v)}" if i == 0 else f"    {k}: {json.dumps(v)}" for i, (k, v) in enumerate(w.items())]
    path.write_text("\n".join(lines) + "\n")
    return str(path)


def check_json(runner, *args: str) -> tuple[int, dict[str, Any], str]:
    code, out, err = run_cli(runner, "check", "--format", "json", *args)
    return code, (json.loads(out) if out else {}), err


def findings(result: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {f["key"]: f for r in result["results"] for f in r["findings"]}


def notices(result: dict[str, Any], kind: str) -> list[dict[str, Any]]:
    return [n for n in result["notices"] if n["kind"] == kind]


# Matching and reporting ---------------------------------------------------------------


def test_waived_finding_is_marked_reported_apart_and_does_not_fail(runner, tmp_path: Path) -> None:
    errors = ["WXCC-TEL-001", "WXCC-ACC-001", "WXCC-BIL-001", "WXCC-BIL-002"]
    file = write_waivers(tmp_path / "w.yaml", *(waiver(policy=p, ticket="RISK-7") for p in errors))
    assert check_json(runner, VIOLATIONS)[0] == 1
    code, result, err = check_json(runner, "--waivers", file, VIOLATIONS)
    assert code == 0 and err == ""
    waived = [f for f in findings(result).values() if f["waived"]]
    assert sorted(f["policy"] for f in waived) == sorted(errors)
    assert waived[0]["waiver"] == {
        "reference": f"{file}:{2 + 6 * errors.index(waived[0]['policy'])}:5",
        "owner": "alice@example.com",
        "reason": "accepted until the migration",
        "expires": "2027-01-31",
        "ticket": "RISK-7",
    }
    assert result["summary"]["waived"] == 4 and result["summary"]["error"] == 0 and result["summary"]["passed"]
    schema = json.loads((ROOT / "schemas" / "result.schema.json").read_text())
    jsonschema.Draft202012Validator(schema, format_checker=jsonschema.FormatChecker()).validate(result)


def test_text_shows_waived_findings_in_their_own_section(runner, tmp_path: Path) -> None:
    file = write_waivers(tmp_path / "w.yaml", waiver(key=TEL_KEY, ticket="CHG-1"))
    code, out, _ = run_cli(runner, "check", "--waivers", file, VIOLATIONS)
    main, _, rest = out.partition("\nWaived findings (they do not fail the run):\n")
    assert "WXCC-TEL-001" not in main and "WXCC-ACC-001" in main
    assert rest.splitlines()[0].endswith("error WXCC-TEL-001 " + _message(runner, TEL_KEY))
    assert rest.splitlines()[1] == f"  waived by {file}:2:5 until 2027-01-31 (alice@example.com, CHG-1): accepted until the migration"
    assert out.endswith("3 errors, 1 warning, 0 info, 1 waived. Failed.\n") and code == 1


def test_text_with_only_waived_findings_starts_with_its_section(runner, tmp_path: Path) -> None:
    """Nothing fails, so nothing comes before the section: no blank first line."""
    file = write_waivers(tmp_path / "w.yaml", waiver(key=TEL_KEY))
    code, out, _ = run_cli(runner, "check", "--select", "WXCC-TEL-001", "--waivers", file, VIOLATIONS)
    assert code == 0
    assert out.startswith("Waived findings (they do not fail the run):\n"), out


def test_text_keeps_a_multi_line_reason_and_owner_on_one_line(runner, tmp_path: Path) -> None:
    """`reason: |` is natural YAML; the text format stays one line per item."""
    file = write_waivers(tmp_path / "w.yaml", waiver(key=TEL_KEY, reason="moves\nin December\n"))
    write_waivers(tmp_path / "unused.yaml", waiver(key="WXCC-ACC-001:org-x:users/u-9", owner="a\r\nb"))
    code, out, _ = run_cli(runner, "check", "--waivers", file, "--waivers", str(tmp_path / "unused.yaml"), VIOLATIONS)
    assert "  waived by " in out and out.count("\n") == len(out.splitlines())
    assert f"{file}:2:5 until 2027-01-31 (alice@example.com): moves in December\n" in out
    assert "matches no finding (a b); remove it\n" in out and "\r" not in out and code == 1


def _message(runner, key: str) -> str:
    return findings(check_json(runner, VIOLATIONS)[1])[key]["message"]


def test_policy_waiver_narrowed_by_tenant_and_pointer(runner, tmp_path: Path) -> None:
    cases = {
        "right tenant": (waiver(policy="WXCC-TEL-001", tenant="org-x"), True),
        "other tenant": (waiver(policy="WXCC-TEL-001", tenant="org-y"), False),
        "pointer glob": (waiver(policy="WXCC-TEL-001", pointer="/subscriptions/*/telephony"), True),
        "any depth": (waiver(policy="WXCC-TEL-001", pointer="/subscriptions/**"), True),
        "other field": (waiver(policy="WXCC-TEL-001", pointer="/subscriptions/*/offer"), False),
        "key": (waiver(key=TEL_KEY), True),
        "other key": (waiver(key=TEL_KEY + "9"), False),
    }
    for name, (w, expected) in cases.items():
        _, result, _ = check_json(runner, "--waivers", write_waivers(tmp_path / "w.yaml", w), VIOLATIONS)
        assert findings(result)[TEL_KEY]["waived"] is expected, name


def test_pointer_glob() -> None:
    assert pointer_glob("/users/*/subscriptionId").fullmatch("/users/12/subscriptionId")
    assert not pointer_glob("/users/*").fullmatch("/users/12/subscriptionId")
    assert pointer_glob("/users/**").fullmatch("/users/12/subscriptionId")
    assert pointer_glob("/users/1?").fullmatch("/users/12") and not pointer_glob("/users/1?").fullmatch("/users/1/x")
    assert pointer_glob("/a.b/(c)").fullmatch("/a.b/(c)") and not pointer_glob("/a.b").fullmatch("/axb")


def test_double_star_spans_zero_segments_too() -> None:
    """As in git's globs: `a/**/b` matches `a/b`, and `/users/**` the array itself."""
    assert pointer_glob("/users/**/subscriptionId").fullmatch("/users/subscriptionId")
    assert pointer_glob("/users/**/subscriptionId").fullmatch("/users/3/x/subscriptionId")
    assert pointer_glob("/users/**").fullmatch("/users") and pointer_glob("/users/**").fullmatch("/users/3")
    assert not pointer_glob("/users/**").fullmatch("/usersX") and not pointer_glob("/users/**/id").fullmatch("/users/xid")


def test_a_glob_of_many_stars_matches_in_linear_time() -> None:
    """Thirty `*` in a row made the backtracking matcher run for ever (issue 17)."""
    glob = "/" + "*" * 1000 + "x"
    assert pointer_glob(glob).fullmatch("/" + "a" * 20_000) is None
    assert pointer_glob("/**" * 300).fullmatch("/a" * 5_000) is not None
    assert pointer_glob("/a\nb/**").fullmatch("/a\nb/c\nd") is not None


def test_a_stars_only_waiver_pointer_finishes_the_run(runner, tmp_path: Path) -> None:
    file = write_waivers(tmp_path / "w.yaml", waiver(policy="WXCC-TEL-001", pointer="/" + "*" * 30 + "x"))
    code, result, _ = check_json(runner, "--waivers", file, VIOLATIONS)
    assert code == 1 and findings(result)[TEL_KEY]["waived"] is False


def test_a_waiver_pointer_is_bounded(runner, tmp_path: Path) -> None:
    file = write_waivers(tmp_path / "w.yaml", waiver(policy="WXCC-TEL-001", pointer="/" + "*" * 1024))
    code, out, err = run_cli(runner, "check", "--waivers", file, VIOLATIONS)
    assert code == 2 and out == "" and f"{file}:7:14: " in err and "longer than 1024 character(s) (at /waivers/0/pointer)" in err, err


def test_waivers_on_a_directory_and_in_the_configuration(runner, tmp_path: Path, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    acme_key = "WXCC-ACC-002:org-acme-7f3a:users/u-agent-2"
    lines = [
        "waivers:",
        f"  - key: {acme_key}",
        "    reason: leaving",
        "    owner: ops",
        "    granted: 2026-11-01",
        "    expires: 2027-01-31",
    ]
    (tmp_path / ".wxcc-policy.yaml").write_text("\n".join(lines) + "\n")
    code, result, _ = check_json(runner, "--fail-on", "warning", str(EXAMPLES))
    assert findings(result)[acme_key]["waiver"]["reference"] == ".wxcc-policy.yaml:2:5"
    file = write_waivers(tmp_path / "w.yaml", waiver(key=TEL_KEY))
    _, result, _ = check_json(runner, "--waivers", file, str(EXAMPLES))
    assert findings(result)[acme_key]["waived"] and findings(result)[TEL_KEY]["waived"]
    assert code == 1  # violations-tenant.yaml still has unwaived errors


def test_first_declared_waiver_wins(runner, tmp_path: Path) -> None:
    file = write_waivers(tmp_path / "w.yaml", waiver(key=TEL_KEY, owner="first"), waiver(policy="WXCC-TEL-001", owner="second"))
    _, result, _ = check_json(runner, "--waivers", file, VIOLATIONS)
    assert findings(result)[TEL_KEY]["waiver"]["owner"] == "first"
    assert notices(result, "waiver-unused") == []  # the second matched too: it is not stale


def test_ignore_waivers_shows_everything_and_reads_no_waiver_file(runner, tmp_path: Path) -> None:
    file = write_waivers(tmp_path / "w.yaml", waiver(key=TEL_KEY, expires="2026-11-21"), waiver(policy="WXCC-DAT-001"))
    plain = check_json(runner, VIOLATIONS)
    assert check_json(runner, "--waivers", file, "--ignore-waivers", VIOLATIONS) == plain
    (tmp_path / "broken.yaml").write_text("waivers: [\n")
    assert check_json(runner, "--waivers", str(tmp_path / "broken.yaml"), "--ignore-waivers", VIOLATIONS) == plain


# Expiry: judged on the evaluation date ------------------------------------------------


def test_waiver_applies_through_its_expiry_day_and_expires_the_day_after(runner, tmp_path: Path) -> None:
    file = write_waivers(tmp_path / "w.yaml", waiver(key=TEL_KEY, expires="2026-11-25", ticket="CHG-9"))
    _, on_the_day, _ = check_json(runner, "--waivers", file, "--as-of", "2026-11-25", VIOLATIONS)
    assert findings(on_the_day)[TEL_KEY]["waived"] and notices(on_the_day, "waiver-expired") == []
    _, day_after, _ = check_json(runner, "--waivers", file, "--as-of", "2026-11-26", VIOLATIONS)
    assert not findings(day_after)[TEL_KEY]["waived"] and findings(day_after)[TEL_KEY]["waiver"] is None
    [notice] = notices(day_after, "waiver-expired")
    assert notice["message"].startswith(f"waiver for {TEL_KEY} expired on 2026-11-25 (alice@example.com, CHG-9)")
    assert notice["where"] == f"{file}:2:5" and notice["level"] == "warning"
    assert day_after["summary"]["waived"] == 0


def test_expiry_uses_each_snapshots_capture_date_not_the_clock(runner, tmp_path: Path) -> None:
    # capturedAt is 2026-11-20: a waiver that expired "yesterday" relative to the capture is
    # expired whatever today's date, and one expiring that day still applies.
    expired = write_waivers(tmp_path / "a.yaml", waiver(key=TEL_KEY, granted="2026-01-01", expires="2026-11-19"))
    assert not findings(check_json(runner, "--waivers", expired, VIOLATIONS)[1])[TEL_KEY]["waived"]
    current = write_waivers(tmp_path / "b.yaml", waiver(key=TEL_KEY, granted="2026-01-01", expires="2026-11-20"))
    assert findings(check_json(runner, "--waivers", current, VIOLATIONS)[1])[TEL_KEY]["waived"]


def test_an_expired_waiver_gives_way_to_a_valid_one(runner, tmp_path: Path) -> None:
    file = write_waivers(tmp_path / "w.yaml", waiver(key=TEL_KEY, expires="2026-11-10"), waiver(policy="WXCC-TEL-001", owner="bob"))
    _, result, _ = check_json(runner, "--waivers", file, VIOLATIONS)
    assert findings(result)[TEL_KEY]["waiver"]["owner"] == "bob"
    assert len(notices(result, "waiver-expired")) == 1


def test_expiring_soon_is_a_warning_within_waiver_warning_days(runner, tmp_path: Path, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    soon = write_waivers(tmp_path / "soon.yaml", waiver(key=TEL_KEY, expires="2026-12-04"))  # 14 days after 2026-11-20
    later = write_waivers(tmp_path / "later.yaml", waiver(key=TEL_KEY, expires="2026-12-05"))  # 15 days
    _, result, _ = check_json(runner, "--waivers", soon, VIOLATIONS)
    [notice] = notices(result, "waiver-expiring")
    assert notice["level"] == "warning"
    assert notice["message"] == (
        f"waiver for {TEL_KEY} expires on 2026-12-04, 14 day(s) after the evaluation date 2026-11-20 (alice@example.com)"
    )
    assert notices(check_json(runner, "--waivers", later, VIOLATIONS)[1], "waiver-expiring") == []
    (tmp_path / ".wxcc-policy.yaml").write_text("waiverWarningDays: 30\n")
    assert len(notices(check_json(runner, "--waivers", later, VIOLATIONS)[1], "waiver-expiring")) == 1
    code, out, _ = run_cli(runner, "check", "--waivers", soon, VIOLATIONS)
    assert f"{soon}:2:5: warning WAIVER waiver for {TEL_KEY} expires on 2026-12-04" in out and code == 1


def test_a_waiver_in_its_last_day_says_so(runner, tmp_path: Path) -> None:
    file = write_waivers(tmp_path / "w.yaml", waiver(key=TEL_KEY, expires="2026-11-20"))
    [notice] = notices(check_json(runner, "--waivers", file, VIOLATIONS)[1], "waiver-expiring")
    assert notice["message"] == (f"waiver for {TEL_KEY} expires on 2026-11-20, the evaluation date: its last day (alice@example.com)")


def test_files_of_different_dates_are_each_judged_on_their_own(tmp_path: Path) -> None:
    finding = Finding("P-1", "error", "m", "/a", 1, 1, "P-1:t:a")
    run = RunResult(
        "wxcc-policy",
        "0",
        "sha256:0",
        1,
        "error",
        (
            FileResult("old.json", "d", "t", "2026-11-20", findings=(finding,)),
            FileResult("new.json", "d", "t", "2026-12-01", findings=(finding,)),
        ),
    )
    rule = WaiverRule("w.yaml:2:5", "r", "o", *_dates("2026-11-01", "2026-11-30"), key="P-1:t:a")
    out = apply_waivers(run, WaiverSettings((rule,), ("P-1",)))
    assert [r.findings[0].waived for r in out.results] == [True, False]
    assert [n.kind for n in out.notices] == ["waiver-expired", "waiver-expiring"]  # 10 days left for old.json
    assert out.exit_code == 1


def _dates(*days: str) -> tuple[Any, ...]:
    import datetime as dt

    return tuple(dt.date.fromisoformat(d) for d in days)


# Unused waivers ------------------------------------------------------------------------


def test_unused_waiver_is_reported_and_fails_only_when_asked(runner, tmp_path: Path) -> None:
    file = write_waivers(tmp_path / "w.yaml", waiver(policy="WXCC-TEL-001", tenant="org-acme-7f3a", ticket="T-1"))
    code, result, _ = check_json(runner, "--waivers", file, ACME)
    [notice] = notices(result, "waiver-unused")
    assert code == 0 and notice["level"] == "warning" and notice["where"] == f"{file}:2:5"
    assert notice["message"] == "waiver for WXCC-TEL-001:org-acme-7f3a:** matches no finding (alice@example.com, T-1); remove it"
    code, result, _ = check_json(runner, "--waivers", file, "--fail-on-unused-waivers", ACME)
    assert code == 1 and notices(result, "waiver-unused")[0]["level"] == "error" and not result["summary"]["passed"]
    code, out, _ = run_cli(runner, "check", "--waivers", file, "--fail-on-unused-waivers", ACME)
    assert f"{file}:2:5: error WAIVER waiver for WXCC-TEL-001:org-acme-7f3a:** matches no finding" in out and code == 1


def test_waivers_of_tenants_or_policies_the_run_did_not_evaluate_are_not_judged(runner, tmp_path: Path) -> None:
    file = write_waivers(tmp_path / "w.yaml", waiver(key=TEL_KEY), waiver(policy="WXCC-SUB-003", tenant="org-x"))
    code, result, _ = check_json(runner, "--waivers", file, "--fail-on-unused-waivers", ACME)  # only org-acme-7f3a
    assert code == 0 and result["notices"] == []
    code, result, _ = check_json(runner, "--waivers", file, "--fail-on-unused-waivers", "--select", "WXCC-ACC-001", VIOLATIONS)
    assert result["notices"] == [] and code == 1  # WXCC-ACC-001 fails; the waivers of unselected policies are not judged


# Malformed waiver files: located errors, exit 2 ----------------------------------------


@pytest.mark.parametrize(
    ("text", "line", "column", "fragment"),
    [
        (
            "waivers:\n  - key: K:t:e\n    reason: r\n    granted: 2026-01-01\n    expires: 2026-02-01\n",
            2,
            5,
            "missing required property 'owner'",
        ),
        (
            "waivers:\n  - policy: P\n    reason: r\n    owner: o\n    granted: 2026-01-01\n    expires: 2026-02-30\n",
            6,
            14,
            "is not a valid date",
        ),
        (
            "waivers:\n  - policy: P\n    reason: r\n    owner: o\n    granted: 2026-01-01\n    expires: 2026-02-01\n    tiket: T\n",
            7,
            12,
            "unknown property 'tiket'",
        ),
        ("waivers:\n  - reason: r\n    owner: o\n    granted: 2026-01-01\n    expires: 2026-02-01\n", 2, 5, "a waiver needs 'key'"),
        (
            "waivers:\n  - key: P:t:e\n    policy: P\n    reason: r\n    owner: o\n    granted: 2026-01-01\n    expires: 2026-02-01\n",
            3,
            13,
            "cannot be combined",
        ),
        (
            "waivers:\n  - policy: P\n    reason: r\n    owner: o\n    granted: 2026-01-01\n    expires: 2027-01-02\n",
            6,
            14,
            "at most maxWaiverDays (365)",
        ),
        (
            "waivers:\n  - policy: P\n    reason: r\n    owner: o\n    granted: 2026-03-01\n    expires: 2026-02-01\n",
            6,
            14,
            "is before granted",
        ),
        (
            "waivers:\n  - policy: P\n    reason: ''\n    owner: o\n    granted: 2026-01-01\n    expires: 2026-02-01\n",
            3,
            13,
            "shorter than 1",
        ),
        ("waivers:\n  - policy: P\n    reason: r\n   owner: o\n", 4, 4, "invalid YAML"),
        ("waiver:\n  - policy: P\n", 2, 3, "unknown property 'waiver'"),
    ],
)
def test_malformed_waiver_file_is_located(runner, tmp_path: Path, text: str, line: int, column: int, fragment: str) -> None:
    path = tmp_path / "w.yaml"
    path.write_text(text)
    code, out, err = run_cli(runner, "check", "--waivers", str(path), VIOLATIONS)
    assert code == 2 and out == ""
    assert err.startswith(f"wxcc-policy: error: {path}:{line}:{column}: ") and fragment in err, err
    assert len(err.splitlines()) == 1


def test_a_year_is_allowed_and_max_waiver_days_is_configurable(runner, tmp_path: Path, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    year = write_waivers(tmp_path / "w.yaml", waiver(key=TEL_KEY, granted="2026-01-01", expires="2027-01-01"))  # 365 days
    assert findings(check_json(runner, "--waivers", year, VIOLATIONS)[1])[TEL_KEY]["waived"]
    (tmp_path / ".wxcc-policy.yaml").write_text("maxWaiverDays: 90\n")
    code, _, err = run_cli(runner, "check", "--waivers", year, VIOLATIONS)
    assert code == 2 and f"{year}:5:14: expires 2027-01-01 is 365 days after granted 2026-01-01" in err
    assert "maxWaiverDays (90)" in err


def test_waivers_in_the_configuration_are_located_in_it(runner, tmp_path: Path, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / ".wxcc-policy.yaml").write_text("failOn: error\nwaivers:\n  - policy: WXCC-TEL-001\n    owner: o\n")
    code, _, err = run_cli(runner, "check", VIOLATIONS)
    assert code == 2 and ".wxcc-policy.yaml:3:5: missing required property 'reason'" in err


def test_waiver_for_an_unknown_policy_is_an_error(runner, tmp_path: Path) -> None:
    file = write_waivers(tmp_path / "w.yaml", waiver(key="WXCC-TEL-01:org-x:subscriptions/Sub-2"))
    code, _, err = run_cli(runner, "check", "--waivers", file, VIOLATIONS)
    assert code == 2 and f"{file}:2:5: waiver for unknown policy id 'WXCC-TEL-01'; did you mean 'WXCC-TEL-001'?" in err


def test_missing_waiver_file_is_a_usage_error(runner, tmp_path: Path) -> None:
    code, _, err = run_cli(runner, "check", "--waivers", str(tmp_path / "nope.yaml"), VIOLATIONS)
    assert code == 2 and "nope.yaml: waiver file not found" in err


def test_waiver_files_are_json_too(runner, tmp_path: Path) -> None:
    path = tmp_path / "w.json"
    path.write_text(json.dumps({"waivers": [waiver(key=TEL_KEY)]}, indent=2))
    assert findings(check_json(runner, "--waivers", str(path), VIOLATIONS)[1])[TEL_KEY]["waived"]


# Every output shows waived / existing / new / fixed the same way: golden files ------------

GOLDEN = ROOT / "tests" / "golden"
RISK_ARGS = (
    "--waivers",
    "tests/data/waivers/waivers.yaml",
    "--baseline",
    "tests/data/waivers/baseline.json",
    "examples/tenants/violations-tenant.yaml",
)


def _golden(name: str, actual: str) -> None:
    import os

    if os.environ.get("WXCC_UPDATE_GOLDEN") == "1":
        (GOLDEN / name).write_text(actual)
    assert actual == (GOLDEN / name).read_text()


def test_golden_text_with_waivers_and_baseline(runner, monkeypatch) -> None:
    monkeypatch.chdir(ROOT)
    code, out, err = run_cli(runner, "check", *RISK_ARGS)
    _golden("waivers-baseline.text", out)
    assert code == 1 and err == ""  # the one new error fails the run


def test_golden_json_with_waivers_and_baseline(runner, monkeypatch) -> None:
    monkeypatch.chdir(ROOT)
    code, result, _ = check_json(runner, *RISK_ARGS)
    assert code == 1
    schema = json.loads((ROOT / "schemas" / "result.schema.json").read_text())
    jsonschema.Draft202012Validator(schema, format_checker=jsonschema.FormatChecker()).validate(result)
    result["policySet"]["digest"] = "sha256:" + "0" * 64  # the policies' own changes are the other goldens' business
    _golden("waivers-baseline.json", json.dumps(result, indent=2, ensure_ascii=False) + "\n")
    assert [f["state"] for f in result["results"][0]["findings"]] == ["existing", "existing", "new", "existing", "existing"]
    assert [n["kind"] for n in result["notices"]] == ["waiver-expiring", "waiver-expired", "waiver-unused", "baseline-fixed"]

"""`forecast` and `check --horizon`: equal to evaluating every day (the brute-force oracle,
kept here and run on random snapshots), with far fewer evaluations; reports and errors."""

from __future__ import annotations

import datetime as dt
import json
import re
import shutil
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from conftest import EXAMPLES, ROOT, examples, minimal_snapshot, run_cli
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from wxcc_policy.evaluation.configuration import Config, policy_parameters
from wxcc_policy.evaluation.forecast import Forecast, ForecastEntry, after, forecast_document, linked, load_tracking_policy_set
from wxcc_policy.evaluation.pipeline import CheckSettings, select_policies
from wxcc_policy.evaluation.results import Finding
from wxcc_policy.inputs.documents import parse_text
from wxcc_policy.inputs.readers import JSON
from wxcc_policy.lang import builtins
from wxcc_policy.lang.tracking import Horizon, tracking_builtins
from wxcc_policy.rules.policy_set import load_policy_set

TEST_POLICIES = ROOT / "tests" / "data" / "forecast-policies"
CAPTURED = dt.date(2026, 11, 20)
SCHEMA = json.loads((ROOT / "schemas" / "forecast.schema.json").read_text())


def _settings(policies: Any, as_of: str | None = None, skip: tuple[str, ...] = ()) -> CheckSettings:
    return CheckSettings((), as_of, "error", policy_parameters(policies, Config()), select_policies(policies, (), skip))


def _both(doc: dict[str, Any], policies: Any, days: int, skip: tuple[str, ...] = ()) -> tuple[Forecast, Forecast]:
    document = parse_text(json.dumps(doc, indent=2), "tenant.json", "", JSON)
    chosen = _settings(policies, skip=skip)
    fast = forecast_document(document, chosen, policies, days=days)
    brute = forecast_document(document, chosen, policies, days=days, every_day=True)
    return fast, brute


@pytest.fixture(scope="session")
def builtin_policies() -> Any:
    return load_tracking_policy_set()


@pytest.fixture(scope="session")
def test_policies() -> Any:
    return load_tracking_policy_set([TEST_POLICIES])


# -- random snapshots ------------------------------------------------------------------------

STATUSES = ("active", "active", "pending", "expired", "cancelled")


def _day(offset: int) -> str:
    return (CAPTURED + dt.timedelta(days=offset)).isoformat()


@st.composite
def snapshots(draw: Any) -> dict[str, Any]:
    """Small schema-valid tenants whose dates cluster around the capture date, so that
    subscriptions start, end and overlap within a short horizon."""
    doc = minimal_snapshot()
    template = doc["subscriptions"][0]
    subs = []
    for i in range(draw(st.integers(1, 4))):
        created = draw(st.integers(-400, 20))
        start = created + draw(st.integers(0, 40))
        end = start + draw(st.integers(0, 500))
        sub = dict(template, id=f"Sub-{i}", status=draw(st.sampled_from(STATUSES)))
        sub.update(createdAt=_day(created), startDate=_day(start), endDate=_day(end))
        sub["entitlements"] = {"standardAgent": draw(st.integers(0, 20)), "ivr": draw(st.integers(0, 5))}
        subs.append(sub)
    ids = [s["id"] for s in subs] + ["Sub-gone"]
    roles = st.sampled_from([["agent"], ["admin"], ["admin", "agent"], ["supervisor"]])
    users = [
        {"id": f"u-{i}", "email": f"u{i}@acme.example", "roles": draw(roles), "subscriptionId": draw(st.sampled_from(ids))}
        for i in range(draw(st.integers(0, 4)))
    ]
    periods = sorted({_day(draw(st.integers(-90, 60)))[:7] for _ in range(draw(st.integers(0, 3)))})
    usage = [
        {"period": p, "subscriptionId": draw(st.sampled_from(ids[:-1])), "usageType": "standardAgent", "quantity": draw(st.integers(0, 40))}
        for p in periods
    ]
    doc.update(subscriptions=subs, users=users, usage=usage, overages=[])
    return doc


def _assert_same(fast: Forecast, brute: Forecast) -> None:
    assert fast.file == brute.file
    assert fast.entries == brute.entries
    assert fast.evaluation_days <= brute.evaluation_days


@given(doc=snapshots(), days=st.integers(0, 120))
@settings(max_examples=examples(30), deadline=None, suppress_health_check=[HealthCheck.too_slow])
def test_builtin_policies_equal_brute_force(builtin_policies: Any, doc: dict[str, Any], days: int) -> None:
    _assert_same(*_both(doc, builtin_policies, days))


@given(doc=snapshots(), days=st.integers(0, 120))
@settings(max_examples=examples(30), deadline=None, suppress_health_check=[HealthCheck.too_slow])
def test_date_functions_equal_brute_force(test_policies: Any, doc: dict[str, Any], days: int) -> None:
    """Custom policies that use month(), daysBetween() with arithmetic, instant(),
    endOfMonth(), string concatenation, max(), startsWith(), a key naming the month, and
    the date as a set member."""
    builtin_ids = tuple(p.info.id for p in test_policies.policies if p.info.id.startswith("WXCC-"))
    _assert_same(*_both(doc, test_policies, days, skip=builtin_ids))


@pytest.mark.slow
@given(doc=snapshots(), days=st.integers(200, 400))
@settings(max_examples=examples(40), deadline=None, suppress_health_check=[HealthCheck.too_slow])
def test_long_horizons_equal_brute_force(test_policies: Any, doc: dict[str, Any], days: int) -> None:
    _assert_same(*_both(doc, test_policies, days))


# -- the method --------------------------------------------------------------------------------


def test_few_evaluations_on_the_example(builtin_policies: Any) -> None:
    doc = json.loads((EXAMPLES / "acme-tenant.json").read_text())
    fast, brute = _both(doc, builtin_policies, 365)
    _assert_same(fast, brute)
    assert brute.evaluation_days == 366
    assert fast.evaluation_days < 20
    upcoming = [(e.since, e.finding.policy) for e in fast.upcoming]
    assert ("2026-12-11", "WXCC-ACC-001") in upcoming and ("2027-02-01", "WXCC-SUB-001") in upcoming


def test_reordering_users_changes_nothing(builtin_policies: Any) -> None:
    doc = json.loads((EXAMPLES / "acme-tenant.json").read_text())
    first = _both(doc, builtin_policies, 200)[0]
    doc["users"].reverse()
    doc["subscriptions"].reverse()
    second = _both(doc, builtin_policies, 200)[0]

    def facts(fc: Forecast) -> list[tuple[Any, ...]]:  # document order changes with the arrays
        return sorted((e.since or "", e.until or "", e.finding.key, e.finding.message) for e in fc.entries)

    assert facts(first) == facts(second)


def _horizon(days: int = 400) -> Horizon:
    return Horizon([_day(i) for i in range(days + 1)])


def _critical(horizon: Horizon) -> list[str]:
    return [horizon.days[i] for i in sorted(horizon.critical_days())]


def test_comparisons_record_the_days_their_outcome_changes() -> None:
    horizon = _horizon()
    as_of = horizon.as_of(0)
    assert as_of < "2026-12-31"  # true until 2026-12-30; equal on the 31st; false after
    later = "2027-01-05"
    assert later > as_of  # a plain str on the left: the reflected method records it
    assert _critical(horizon) == ["2026-12-31", "2027-01-01", "2027-01-05", "2027-01-06"]


def test_derived_values_keep_tracking() -> None:
    horizon = _horizon()
    impl = {name: spec.impl for name, spec in tracking_builtins().items()}
    as_of = horizon.as_of(0)
    assert impl["addDays"]({}, as_of, 30) <= "2026-12-31"
    assert impl["month"]({}, as_of) != "2027-02"
    assert impl["daysBetween"]({}, as_of, "2027-03-01") + 1 > 10
    assert not impl["startsWith"]({}, as_of, "2027-06")
    assert _critical(horizon) == [
        "2026-12-01", "2026-12-02",  # addDays(+30) <= 2026-12-31
        "2027-02-01", "2027-02-20", "2027-02-21", "2027-03-01",  # month; daysBetween + 1 vs 10
        "2027-06-01", "2027-07-01",  # startsWith 2027-06
    ]  # fmt: skip


def test_a_date_used_as_a_key_counts_every_day() -> None:
    horizon = _horizon(10)
    assert {horizon.as_of(0): 1}.get("2026-11-20") == 1
    assert len(horizon.critical_days()) == 10


def test_a_tracked_and_a_plain_policy_set_live_in_one_process(builtin_policies: Any) -> None:
    """Tracking is a compiler option, not a change to the built-in table: a plain set loaded
    after a tracked one is plain, and each forecasts as it should."""
    plain = load_policy_set()
    assert builtin_policies.tracking and not plain.tracking
    assert not any(getattr(spec.impl, "tracking", False) for spec in builtins.BUILTINS.values())
    doc = json.loads((EXAMPLES / "acme-tenant.json").read_text())
    tracked_fast, brute = _both(doc, builtin_policies, 365)
    plain_fast, plain_brute = _both(doc, plain, 365)
    assert tracked_fast.entries == brute.entries == plain_brute.entries and tracked_fast.upcoming
    assert tracked_fast.evaluation_days < brute.evaluation_days
    # Untracked built-ins do not pass the date's records on: the fast method sees fewer days.
    assert plain_fast.evaluation_days < tracked_fast.evaluation_days


# -- the command -------------------------------------------------------------------------------


def test_forecast_text(runner: Any, monkeypatch: Any) -> None:
    monkeypatch.chdir(ROOT)
    code, out, err = run_cli(runner, "forecast", "examples/tenants/acme-tenant.json", "--days", "365")
    assert code == 0 and err == ""
    lines = out.splitlines()
    assert lines[0].startswith("examples/tenants/acme-tenant.json:45:109: today (2026-11-20): warning WXCC-ACC-002")
    assert (
        "from 2026-12-11: error WXCC-ACC-001 User agent2@acme.example (u-agent-2) is mapped to Sub-200, which expired on 2026-12-10" in out
    )
    assert lines[-1] == (
        "examples/tenants/acme-tenant.json: forecast from 2026-11-20 to 2027-11-20: 1 present today, 6 upcoming (7 evaluation days)."
    )
    days = [line.split(": ")[1] for line in lines[:-1]]
    assert days == sorted(days, key=lambda d: d.replace("today (2026-11-20)", "0"))


@pytest.mark.parametrize("example", ["acme-tenant.json", "violations-tenant.yaml"])
def test_forecast_json_matches_schema_and_brute_force(runner: Any, monkeypatch: Any, example: str) -> None:
    monkeypatch.chdir(ROOT)
    args = ["forecast", f"examples/tenants/{example}", "--until", "2027-12-31", "--format", "json"]
    code, out, _ = run_cli(runner, *args)
    brute = json.loads(run_cli(runner, *args, "--every-day")[1])
    result = json.loads(out)
    jsonschema.Draft202012Validator(SCHEMA, format_checker=jsonschema.FormatChecker()).validate(result)
    assert code == 0
    assert result["findings"] == brute["findings"]
    assert result["evaluationDays"] < brute["evaluationDays"] == 407 if example.startswith("acme") else True
    assert result["findings"] and result["until"] == "2027-12-31"


def test_forecast_markdown(runner: Any, monkeypatch: Any) -> None:
    monkeypatch.chdir(ROOT)
    code, out, _ = run_cli(runner, "forecast", "examples/tenants/acme-tenant.json", "--days", "90", "--format", "markdown")
    assert code == 0
    assert out.startswith("# Forecast of `examples/tenants/acme-tenant.json`")
    assert "| 2026-12-11 |  | error | WXCC-ACC-001 | 45:109 `/users/2/subscriptionId` |" in out


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--until", "2026-01-01"], "--until 2026-01-01 is before the evaluation date 2026-11-20"),
        ([], "exactly one of --until DATE or --days N"),
        (["--days", "3", "--until", "2027-01-01"], "exactly one of --until DATE or --days N"),
        (["--until", "2027-02-30"], "is not a date in the form YYYY-MM-DD"),
        (["--days", "-1"], "-1"),
    ],
)
def test_bad_horizons(runner: Any, monkeypatch: Any, args: list[str], message: str) -> None:
    monkeypatch.chdir(ROOT)
    code, out, err = run_cli(runner, "forecast", "examples/tenants/acme-tenant.json", *args)
    assert code == 2 and out == ""
    assert message in err
    assert "Traceback" not in err


def test_until_before_as_of_names_the_option(runner: Any, monkeypatch: Any) -> None:
    monkeypatch.chdir(ROOT)
    code, _, err = run_cli(runner, "forecast", "examples/tenants/acme-tenant.json", "--as-of", "2027-01-01", "--until", "2026-12-01")
    assert code == 2 and "--as-of: --until 2026-12-01 is before the evaluation date 2027-01-01" in err


def test_invalid_snapshot_is_located(runner: Any, monkeypatch: Any) -> None:
    monkeypatch.chdir(ROOT)
    code, out, _ = run_cli(runner, "forecast", "tests/data/bad/truncated.json", "--days", "5")
    assert code == 1
    assert out.startswith("tests/data/bad/truncated.json:") and " error PARSE " in out


def test_check_horizon_adds_info_that_never_fails(runner: Any, monkeypatch: Any, tmp_path: Path) -> None:
    monkeypatch.chdir(ROOT)
    doc = minimal_snapshot()
    doc["subscriptions"][1]["endDate"] = "2027-06-30"  # no warning today: nothing fails
    path = tmp_path / "tenant.json"
    path.write_text(json.dumps(doc))
    assert run_cli(runner, "check", "--fail-on", "info", str(path))[0] == 0
    code, out, _ = run_cli(runner, "check", "--fail-on", "info", "--horizon", "400", "--format", "json", str(path))
    assert code == 0
    findings = json.loads(out)["results"][0]["findings"]
    assert findings and all(f["severity"] == "info" and f["state"] == "upcoming" for f in findings)
    assert findings[0]["message"].startswith("User admin1@acme.example")
    assert findings[0]["message"].endswith("(upcoming warning from 2027-01-01, becomes WXCC-ACC-001 on 2027-02-01)")
    code, text, _ = run_cli(runner, "check", "--horizon", "400", str(path))
    assert code == 0 and "Upcoming findings (check --horizon; they do not fail the run):" in text


def test_a_warning_that_turns_into_an_error_about_the_same_entity_becomes_it(runner: Any, monkeypatch: Any) -> None:
    monkeypatch.chdir(ROOT)
    code, out, _ = run_cli(runner, "forecast", "examples/tenants/acme-tenant.json", "--days", "365")
    first = out.splitlines()[0]
    assert code == 0 and first.endswith("to keep Agent Desktop access. (becomes WXCC-ACC-001 on 2026-12-11)"), first
    assert "gone from 2026-12-11" not in out
    code, out, _ = run_cli(runner, "forecast", "examples/tenants/acme-tenant.json", "--days", "365", "--format", "json")
    result = json.loads(out)
    jsonschema.Draft202012Validator(SCHEMA, format_checker=jsonschema.FormatChecker()).validate(result)
    by_key = {(f["key"], f["from"]): f for f in result["findings"]}
    warning = by_key[("WXCC-ACC-002:org-acme-7f3a:users/u-agent-2", "2026-11-20")]
    assert (warning["until"], warning["becomes"]) == ("2026-12-11", ["WXCC-ACC-001"])
    error = by_key[("WXCC-ACC-001:org-acme-7f3a:users/u-agent-2", "2026-12-11")]
    assert error["becomes"] == []  # lasts to the horizon
    _, markdown, _ = run_cli(runner, "forecast", "examples/tenants/acme-tenant.json", "--days", "365", "--format", "markdown")
    assert "| today (2026-11-20) | 2026-12-11 (becomes WXCC-ACC-001) | warning | WXCC-ACC-002 |" in markdown


def test_linked_by_entity_on_the_day_one_ends_and_the_other_begins() -> None:
    def entry(key: str, since: str | None, until: str | None) -> ForecastEntry:
        return ForecastEntry(Finding(key.split(":")[0], "warning", "m", "/x", 1, 1, key), since, until)

    ends = entry("P-1:t:a", None, "2027-01-02")
    follows = entry("P-2:t:a", "2027-01-02", None)
    other_day = entry("P-3:t:a", "2027-01-03", None)
    other_entity = entry("P-1:t:b", None, "2027-01-02")
    other_tenant = entry("P-4:u:a", "2027-01-02", None)
    out = linked((ends, follows, other_day, other_entity, other_tenant))
    assert [e.becomes for e in out] == [("P-2",), (), (), (), ()]
    assert after(out[0], " ") == " becomes P-2 on 2027-01-02" and after(out[3], " ") == " gone from 2027-01-02"


def test_check_horizon_prints_one_severity_per_line(runner: Any, monkeypatch: Any) -> None:
    monkeypatch.chdir(ROOT)
    code, out, _ = run_cli(runner, "check", "--horizon", "30", "examples/tenants/acme-tenant.json")
    upcoming = out.split("Upcoming findings (check --horizon; they do not fail the run):\n", 1)[1].split("\n\n")[0].splitlines()
    assert code == 0 and upcoming == [
        "examples/tenants/acme-tenant.json:45:109: info WXCC-ACC-001 User agent2@acme.example (u-agent-2) is mapped to Sub-200, "
        "which expired on 2026-12-10; remap to Sub-100 (primary) to keep Agent Desktop access. (upcoming error from 2026-12-11)"
    ]
    for line in out.splitlines():
        assert len(re.findall(r"(?:^|: )(?:error|warning|info) ", line)) <= 1, line


def test_forecast_reads_directories_and_several_files_as_check_does(runner: Any, monkeypatch: Any, tmp_path: Path) -> None:
    monkeypatch.chdir(ROOT)
    shutil.copy(ROOT / "tests" / "data" / "bad" / "truncated.json", tmp_path / "broken.json")
    shutil.copy(EXAMPLES / "acme-tenant.json", tmp_path / "acme.json")
    code, out, err = run_cli(runner, "forecast", str(tmp_path), "examples/tenants/violations-tenant.yaml", "--days", "30")
    lines = out.splitlines()
    assert code == 1 and err == ""  # one invalid snapshot: exit 1, and the others still reported
    assert lines[0].startswith(f"{tmp_path / 'acme.json'}:45:109: today (2026-11-20): warning WXCC-ACC-002")
    assert f"{tmp_path / 'broken.json'}: invalid input, no forecast." in lines
    assert (
        "examples/tenants/violations-tenant.yaml: forecast from 2026-11-20 to 2026-12-20: 5 present today, 0 upcoming (1 evaluation day)."
        in lines
    )
    assert lines[-1] == "3 snapshots forecast, 1 invalid: 6 present today, 1 upcoming."
    code, out, _ = run_cli(runner, "forecast", str(tmp_path), "--days", "30", "--format", "json")
    result = json.loads(out)
    jsonschema.Draft202012Validator(SCHEMA, format_checker=jsonschema.FormatChecker()).validate(result)
    assert [f["file"] for f in result["forecasts"]] == [str(tmp_path / "acme.json"), str(tmp_path / "broken.json")]
    assert result["summary"] == {"files": 2, "invalid": 1, "present": 1, "upcoming": 1}
    _, markdown, _ = run_cli(runner, "forecast", str(tmp_path), "--days", "30", "--format", "markdown")
    assert markdown.startswith("# Forecast of 2 snapshots\n") and f"## Forecast of `{tmp_path / 'acme.json'}`" in markdown
    code, _, err = run_cli(runner, "forecast", str(tmp_path / "empty"), "--days", "30")
    assert code == 2 and "no such file or directory" in err

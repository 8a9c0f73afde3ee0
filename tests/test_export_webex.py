"""`wxcc-policy export webex` end to end, against tests/webex_server.py: a real HTTP
server on 127.0.0.1 serving fixture bodies checked against the official response schemas."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import jsonschema
import pytest
from conftest import ROOT, run_cli
from webex_server import (
    ACME,
    ACME_COMMERCIAL_CSV,
    ACME_PARTNERS_CSV,
    PARTNER,
    TOKEN,
    FakeWebex,
    Model,
    acme_org,
    route,
    uuid_of,
    webex_id,
)

RESPONSE_SCHEMAS = json.loads((ROOT / "tests" / "data" / "webex-openapi" / "responses.schema.json").read_text())
SNAPSHOT_SCHEMA = json.loads((ROOT / "schemas" / "snapshot.schema.json").read_text())
EPOCH = "1795000000"  # 2026-11-18T11:06:40Z
COLUMNS = ("id", "status", "createdAt", "startDate", "endDate", "licenseModel", "offer", "telephony")


def small_pages(model: Model) -> Model:
    model.page.update(people=2, license=1, cc=2)  # several pages in every style
    return model


@pytest.fixture
def fake() -> Iterator[FakeWebex]:
    with FakeWebex(small_pages(Model({ACME: acme_org()}, me_org=PARTNER))) as server:
        yield server


@pytest.fixture
def records(tmp_path: Path) -> list[str]:
    (tmp_path / "subscriptions.csv").write_text(ACME_COMMERCIAL_CSV)
    (tmp_path / "partners.csv").write_text(ACME_PARTNERS_CSV)
    return ["--commercial", str(tmp_path / "subscriptions.csv"), "--commercial", str(tmp_path / "partners.csv")]


@pytest.fixture(autouse=True)
def environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("WEBEX_ACCESS_TOKEN", TOKEN)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)


def export(runner, fake: FakeWebex, *args: str) -> tuple[int, str, str]:
    bases = ["--api-base-url", fake.base + "/v1", "--cc-base-url", fake.base + "/cc", "--max-rate", "60000"]
    return run_cli(runner, "export", "webex", *bases, *args)


def requested(fake: FakeWebex, fragment: str) -> list[str]:
    return [path for path, _ in fake.requests if fragment in path]


# The fixtures are shaped like the API: each body validates against its endpoint's schema.

FIXTURE_REQUESTS = [
    ("GET /people/me", "/v1/people/me", {}),
    ("GET /organizations", "/v1/organizations", {}),
    ("GET /organizations/{orgId}", f"/v1/organizations/{webex_id('ORGANIZATION', ACME)}", {}),
    ("GET /partner/organizations", "/v1/partner/organizations", {"managedBy": webex_id("PEOPLE", uuid_of(1, 9))}),
    ("GET /partner/organizations/{orgId}/partnerAdmins", f"/v1/partner/organizations/{webex_id('ORGANIZATION', ACME)}/partnerAdmins", {}),
    ("GET /licenses", "/v1/licenses", {"orgId": webex_id("ORGANIZATION", ACME)}),
    ("GET /licenses/{licenseId}", f"/v1/licenses/{webex_id('LICENSE', f'{ACME}/CJPPRM_{uuid_of(2, 4)}')}", {"includeAssignedTo": "user"}),
    ("GET /people", "/v1/people", {"orgId": webex_id("ORGANIZATION", ACME)}),
    ("GET /roles", "/v1/roles", {}),
    ("GET /organization/{orgid}/v2/user", f"/cc/organization/{ACME}/v2/user", {"page": "0", "pageSize": "100"}),
    ("GET /organization/{orgid}/v3/user-profile", f"/cc/organization/{ACME}/v3/user-profile", {"page": "0", "pageSize": "100"}),
]


@pytest.mark.parametrize(("endpoint", "path", "query"), FIXTURE_REQUESTS, ids=[r[0] for r in FIXTURE_REQUESTS])
def test_fixture_bodies_match_the_official_response_schemas(endpoint: str, path: str, query: dict[str, str]) -> None:
    status, _, body = route(Model({ACME: acme_org()}, me_org=PARTNER), "http://127.0.0.1:1", path, query)
    schema = {**RESPONSE_SCHEMAS["endpoints"][endpoint], "$defs": RESPONSE_SCHEMAS["$defs"]}
    assert status == 200
    jsonschema.Draft202012Validator(schema).validate(body)
    assert any(isinstance(v, list) and v for v in body.values()) or "id" in body  # not an empty shell


def test_a_fixture_that_breaks_the_schema_is_caught() -> None:
    schema = {**RESPONSE_SCHEMAS["endpoints"]["GET /licenses"], "$defs": RESPONSE_SCHEMAS["$defs"]}
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.Draft202012Validator(schema).validate({"items": [{"totalUnits": "fifty"}]})


# One org: a valid snapshot, with exactly the problems the fixtures encode.


def test_single_org_export_is_a_valid_snapshot_with_the_known_findings(runner, fake: FakeWebex, records: list[str], tmp_path: Path) -> None:
    out = tmp_path / "tenant.json"
    code, stdout, err = export(runner, fake, "--org", ACME, *records, "-o", str(out))
    assert (code, stdout, err) == (0, "", "")
    snapshot = json.loads(out.read_text())
    jsonschema.Draft202012Validator(SNAPSHOT_SCHEMA, format_checker=jsonschema.FormatChecker()).validate(snapshot)
    assert snapshot["capturedAt"] == "2026-11-18T11:06:40Z"
    assert [s["id"] for s in snapshot["subscriptions"]] == ["Sub-1", "Sub-2", "Sub-3"]  # Sub-M (meetings) is no Contact Center one
    assert snapshot["subscriptions"][1]["entitlements"] == {"premiumAgent": 5}
    users = {u["email"]: (u["roles"], u["subscriptionId"]) for u in snapshot["users"]}
    assert users == {
        "alice@acme.example": (["admin"], "Sub-2"),
        "sam@acme.example": (["supervisor"], "Sub-2"),
        "agent0@acme.example": (["agent"], "Sub-1"),
        "agent1@acme.example": (["agent"], "Sub-2"),
    }
    assert snapshot["partners"] == [{"id": PARTNER, "accessLevel": "full-admin", "name": "Partner Co", "grantedBy": uuid_of(1, 1)}]
    assert snapshot["tenant"] == {"id": ACME, "name": "Acme, Inc.", "partnerId": PARTNER}
    code, stdout, _ = run_cli(runner, "check", "--format", "json", str(out))
    findings = sorted(f["key"] for r in json.loads(stdout)["results"] for f in r["findings"])
    assert code == 1
    assert findings == [f"WXCC-ACC-001:{ACME}:users/{uuid_of(10, 1)}", f"WXCC-SUB-002:{ACME}:subscriptions/Sub-3"]


def test_every_paging_style_is_followed(runner, fake: FakeWebex, records: list[str], tmp_path: Path) -> None:
    code, _, err = export(runner, fake, "--org", ACME, *records, "-o", str(tmp_path / "t.json"))
    assert code == 0, err
    assert len(requested(fake, "/v1/people?")) == 2 and requested(fake, "cursor=2")  # Link rel=next with max
    assert len(requested(fake, f"/cc/organization/{ACME}/v2/user")) == 2  # page/pageSize with meta.links.next
    assert len(requested(fake, "includeAssignedTo=user")) == 3 + 1 and requested(fake, "next=1")  # next/limit
    assert all(headers.get("Authorization") == f"Bearer {TOKEN}" for _, headers in fake.requests)


def test_from_responses_rebuilds_the_same_bytes_offline(runner, fake: FakeWebex, records: list[str], tmp_path: Path, monkeypatch) -> None:
    saved = tmp_path / "responses"
    code, _, err = export(runner, fake, "--org", ACME, *records, "-o", str(tmp_path / "online.yaml"), "--save-responses", str(saved))
    assert code == 0, err
    monkeypatch.delenv("WEBEX_ACCESS_TOKEN")
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1")  # the saved instant wins
    code, _, err = run_cli(
        runner, "export", "webex", "--org", ACME, "--from-responses", str(saved), *records, "-o", str(tmp_path / "offline.yaml")
    )
    assert (code, err) == (0, "")
    assert (tmp_path / "offline.yaml").read_bytes() == (tmp_path / "online.yaml").read_bytes()
    assert (tmp_path / "online.yaml").read_text().startswith("snapshotVersion: '1'\ncapturedAt: '2026-11-18T11:06:40Z'\n")


def test_a_re_export_of_an_unchanged_tenant_differs_in_capturedAt_only(
    runner, fake: FakeWebex, records: list[str], tmp_path: Path, monkeypatch
) -> None:
    export(runner, fake, "--org", ACME, *records, "-o", str(tmp_path / "a.json"))
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1795086400")
    export(runner, fake, "--org", ACME, *records, "-o", str(tmp_path / "b.json"))
    a, b = (tmp_path / "a.json").read_text().splitlines(), (tmp_path / "b.json").read_text().splitlines()
    assert [(x, y) for x, y in zip(a, b, strict=True) if x != y] == [
        ('  "capturedAt": "2026-11-18T11:06:40Z",', '  "capturedAt": "2026-11-19T11:06:40Z",')
    ]


# HTTP done right: retries, Retry-After, timeouts, refusals, malformed bodies.


@pytest.mark.parametrize(
    ("status", "headers"),
    [(429, {"Retry-After": "1"}), (429, {}), (500, {}), (503, {"Retry-After": "0"})],
    ids=["429-retry-after", "429-without", "500", "503"],
)
def test_a_transient_failure_is_retried(
    runner, fake: FakeWebex, records: list[str], tmp_path: Path, status: int, headers: dict[str, str]
) -> None:
    fake.fault("/v1/licenses", status, '{"message": "slow down"}', headers)
    code, _, err = export(runner, fake, "--org", ACME, *records, "-o", str(tmp_path / "t.json"))
    assert (code, err) == (0, "")
    assert len(requested(fake, "/v1/licenses?orgId=")) == 2


def test_retries_are_bounded(runner, fake: FakeWebex, records: list[str], tmp_path: Path) -> None:
    for _ in range(3):
        fake.fault("/v1/roles", 502)
    code, _, err = export(runner, fake, "--org", ACME, *records, "--retries", "2", "-o", str(tmp_path / "t.json"))
    assert code == 2
    assert err == "wxcc-policy: error: GET /roles: HTTP 502 after 3 attempts\n"
    assert not (tmp_path / "t.json").exists()


def test_a_timeout_is_retried_then_reported(runner, fake: FakeWebex, records: list[str], tmp_path: Path) -> None:
    fake.fault("/v1/roles", 200, '{"items": []}', delay=1.5)
    code, _, err = export(runner, fake, "--org", ACME, *records, "--timeout", "0.5", "--retries", "1", "-o", str(tmp_path / "t.json"))
    assert (code, err) == (0, "")
    fake.fault("/v1/roles", 200, '{"items": []}', delay=1.5)
    code, _, err = export(runner, fake, "--org", ACME, *records, "--timeout", "0.5", "--retries", "0", "-o", str(tmp_path / "u.json"))
    assert code == 2
    assert err == "wxcc-policy: error: GET /roles: no answer within 0.5 s after 1 attempt\n"


def test_a_refused_token_is_one_line(runner, fake: FakeWebex, records: list[str], tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv("WEBEX_ACCESS_TOKEN", "expired-token-value")
    code, _, err = export(runner, fake, "--org", ACME, *records, "-o", str(tmp_path / "t.json"))
    assert code == 2
    assert err.startswith("wxcc-policy: error: GET /people/me: 401 Unauthorized: the token was refused") and err.count("\n") == 1
    assert "expired-token-value" not in err


def test_a_missing_scope_is_named(runner, fake: FakeWebex, records: list[str], tmp_path: Path) -> None:
    fake.fault(f"/cc/organization/{ACME}/v2/user", 403, '{"error": {"key": "403"}}')
    code, _, err = export(runner, fake, "--org", ACME, *records, "-o", str(tmp_path / "t.json"))
    assert code == 2
    assert err == (
        f"wxcc-policy: error: GET /organization/{ACME}/v2/user?page=0&pageSize=1000 (Contact Center API): "
        "403 Forbidden: the token needs the scope cjp:config_read and the role of a Contact Center administrator\n"
    )


def test_a_malformed_body_names_the_endpoint_and_writes_nothing(runner, fake: FakeWebex, records: list[str], tmp_path: Path) -> None:
    fake.fault("/v1/licenses", 200, '{"items": [')
    code, _, err = export(runner, fake, "--org", ACME, *records, "-o", str(tmp_path / "t.json"))
    assert code == 1
    assert err.startswith(f"wxcc-policy: error: GET /licenses?orgId={webex_id('ORGANIZATION', ACME)}: the response is not JSON (")
    assert err.count("\n") == 1 and not (tmp_path / "t.json").exists()


def test_the_token_is_never_printed_written_or_saved(runner, fake: FakeWebex, records: list[str], tmp_path: Path) -> None:
    echo = json.dumps({"message": f"token {TOKEN} is not allowed here"})
    fake.fault(
        "/v1/people/me",
        200,
        json.dumps({"id": webex_id("PEOPLE", uuid_of(1, 9)), "orgId": webex_id("ORGANIZATION", PARTNER), "note": TOKEN}),
    )
    fake.fault("/v1/roles", 400, echo)
    outputs = [export(runner, fake, "--org", ACME, *records, "-o", str(tmp_path / "t.json"), "--save-responses", str(tmp_path / "saved"))]
    fake.fault("/v1/licenses", 200, "{" + TOKEN)
    outputs.append(
        export(runner, fake, "--org", ACME, *records, "-o", str(tmp_path / "u.json"), "--save-responses", str(tmp_path / "saved2"))
    )
    outputs.append(
        export(runner, fake, "--org", ACME, *records, "-o", str(tmp_path / "v.json"), "--save-responses", str(tmp_path / "saved3"))
    )
    assert [code for code, _, _ in outputs] == [2, 1, 0]
    assert "token [token] is not allowed here" in outputs[0][2]
    written = [p.read_text() for p in tmp_path.rglob("*") if p.is_file() and not p.name.endswith(".csv")]
    assert len(written) >= 4
    assert not [text for text in [*written, *(o + e for _, o, e in outputs)] if TOKEN in text]


# Commercial records: nothing guessed.


def test_a_subscription_without_its_commercial_row_is_a_located_error(runner, fake: FakeWebex, tmp_path: Path) -> None:
    rows = ACME_COMMERCIAL_CSV.splitlines()
    (tmp_path / "subscriptions.csv").write_text("\n".join([rows[0], rows[1], rows[2].replace(",concurrent,flex,", ",,,")]) + "\n")
    code, _, err = export(runner, fake, "--org", ACME, "--commercial", str(tmp_path / "subscriptions.csv"), "-o", str(tmp_path / "t.json"))
    assert code == 1
    assert err.splitlines() == [
        f"wxcc-policy: error: {tmp_path / 'subscriptions.csv'}:3:1: subscription Sub-2: missing licenseModel, offer",
        f"wxcc-policy: error: GET /licenses?orgId= of {ACME}: subscription Sub-3 has Contact Center licenses"
        " but no row in the commercial records (subscriptions: id, status, createdAt, startDate, endDate,"
        " licenseModel, offer, telephony); `--commercial-template FILE` writes one",
    ]
    assert not (tmp_path / "t.json").exists()


def test_a_bad_commercial_value_is_located_at_its_cell(runner, fake: FakeWebex, tmp_path: Path) -> None:
    (tmp_path / "subscriptions.csv").write_text(ACME_COMMERCIAL_CSV.replace("Sub-3,active,", "Sub-3,activ,"))
    code, _, err = export(runner, fake, "--org", ACME, "--commercial", str(tmp_path / "subscriptions.csv"), "-o", str(tmp_path / "t.json"))
    assert code == 1
    assert err.startswith(f"wxcc-policy: error: {tmp_path / 'subscriptions.csv'}:4:7: /subscriptions/2/status: ") and err.count("\n") == 1


def test_yaml_records_and_unused_rows(runner, fake: FakeWebex, tmp_path: Path) -> None:
    yaml_records = (
        "subscriptions:\n"
        + "".join(
            "  - {" + ", ".join(f"{name}: {cell}" for name, cell in zip(COLUMNS, cells, strict=False)) + "}\n"
            for cells in (
                line.split(",")
                for line in [*ACME_COMMERCIAL_CSV.splitlines()[1:], "Sub-9,active,2026-01-01,2026-01-01,2026-12-31,named,flex,vpop"]
            )
        )
        + "usage:\n  - {period: 2026-10, subscriptionId: Sub-2, usageType: premiumAgent, quantity: 3}\n"
    )
    (tmp_path / "records.yaml").write_text(yaml_records)
    code, _, err = export(runner, fake, "--org", ACME, "--commercial", str(tmp_path / "records.yaml"), "-o", str(tmp_path / "t.json"))
    assert code == 0
    assert (
        err == f"wxcc-policy: warning: {tmp_path / 'records.yaml'}:5:5: subscriptions row not used:"
        " no Contact Center subscription or org the API shows matches it\n"
    )
    snapshot = json.loads((tmp_path / "t.json").read_text())
    assert snapshot["usage"] == [{"period": "2026-10", "subscriptionId": "Sub-2", "usageType": "premiumAgent", "quantity": 3}]
    assert snapshot["provenance"]["records"]["usage/2026-10/Sub-2/premiumAgent"] == "records.yaml:7"


def test_the_commercial_template_lists_every_subscription(runner, fake: FakeWebex, tmp_path: Path) -> None:
    code, _, err = export(runner, fake, "--org", ACME, "--commercial-template", str(tmp_path / "subscriptions.csv"))
    assert (code, err) == (0, "")
    assert (tmp_path / "subscriptions.csv").read_text().splitlines() == [
        "id,status,createdAt,startDate,endDate,licenseModel,offer,telephony,termMonths,deployment,partnerId,department",
        *(f"Sub-{n},,,,,,,,,,," for n in (1, 2, 3)),
    ]


def test_a_user_with_licenses_of_two_subscriptions_is_warned_about(runner, fake: FakeWebex, records: list[str], tmp_path: Path) -> None:
    org = fake.model.orgs[ACME]
    org.licenses[0]["holders"].append(uuid_of(11, 1))  # Agent 1 (premium) also holds a standard license of Sub-1
    code, _, err = export(runner, fake, "--org", ACME, *records, "-o", str(tmp_path / "t.json"))
    assert code == 0
    assert err == (
        f"wxcc-policy: warning: user {uuid_of(11, 1)} holds Contact Center agent licenses of Sub-1, Sub-2; mapped to Sub-2"
        " (the license matching the user profile, then the oldest subscription)\n"
    )


# Partner mode.


def partner_model(count: int) -> Model:
    orgs = {uuid_of(n, 6): acme_org(uuid_of(n, 6), f"Customer {n}") for n in range(1, count + 1)}
    return Model(orgs, me_org=PARTNER)


def partner_records(tmp_path: Path) -> list[str]:
    (tmp_path / "subscriptions.csv").write_text(ACME_COMMERCIAL_CSV)
    return ["--commercial", str(tmp_path / "subscriptions.csv")]


def test_partner_mode_exports_every_customer_and_reports_them(runner, tmp_path: Path) -> None:
    with FakeWebex(partner_model(3)) as fake:
        base = fake.base
        saved = tmp_path / "out" / "responses"  # beside the snapshots: `report` must not take them for ones
        code, _, err = export(
            runner, fake, "--partner", "--out-dir", str(tmp_path / "out"), *partner_records(tmp_path), "--save-responses", str(saved)
        )
    assert (code, err) == (0, "wxcc-policy: 3 of 3 orgs exported\n")
    assert sorted(p.name for p in (tmp_path / "out").glob("*.json")) == [f"{uuid_of(n, 6)}.json" for n in (1, 2, 3)]
    assert len(list(saved.iterdir())) == 4  # each org's responses, and the partner's listing
    code, _, err = run_cli(runner, "report", str(tmp_path / "out"), "-o", str(tmp_path / "report.html"))
    # every tenant has the known findings, and only the 3 snapshots are read (the failing
    # report's summary line on stderr says so)
    assert code == 1 and err.startswith("3 files checked:") and err.count("\n") == 1
    html = (tmp_path / "report.html").read_text()
    inputs = f'<td class="nowrap">{base}/v1 + {base}/cc</td><td class="nowrap">subscriptions.csv (SHA-256 '
    assert html.count(inputs) == 3  # the provenance section's inputs
    code, _, err = run_cli(
        runner,
        "export",
        "webex",
        "--partner",
        "--from-responses",
        str(saved),
        "--out-dir",
        str(tmp_path / "again"),
        *partner_records(tmp_path),
    )
    assert code == 0, err
    assert [p.read_bytes() for p in sorted((tmp_path / "again").iterdir())] == [
        p.read_bytes() for p in sorted((tmp_path / "out").glob("*.json"))
    ]


def test_a_partner_full_admin_falls_back_to_the_orgs_the_token_sees(runner, tmp_path: Path) -> None:
    model = partner_model(2)
    model.partner_full_admin = True
    with FakeWebex(model) as fake:
        code, _, err = export(runner, fake, "--partner", "--out-dir", str(tmp_path / "out"), *partner_records(tmp_path))
        assert requested(fake, "/v1/organizations") and requested(fake, "managedBy=")
    assert (code, err) == (0, "wxcc-policy: 2 of 2 orgs exported\n")
    assert len(list((tmp_path / "out").iterdir())) == 2  # the partner's own org is not a customer


def test_one_failing_org_never_loses_the_others(runner, tmp_path: Path) -> None:
    with FakeWebex(partner_model(3)) as fake:
        for _ in range(2):
            fake.fault(f"/cc/organization/{uuid_of(2, 6)}/v2/user", 500)
        code, _, err = export(runner, fake, "--partner", "--out-dir", str(tmp_path / "out"), "--retries", "1", *partner_records(tmp_path))
    assert code == 2
    assert err.splitlines() == [
        f"wxcc-policy: error: GET /organization/{uuid_of(2, 6)}/v2/user?page=0&pageSize=1000 (Contact Center API):"
        " HTTP 500 after 2 attempts",
        f"wxcc-policy: 2 of 3 orgs exported; failed: {uuid_of(2, 6)}",
    ]
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == [f"{uuid_of(n, 6)}.json" for n in (1, 3)]


# What a plain check does not pay for, and the bundled example.


def test_check_does_not_import_the_http_client() -> None:
    code = "import sys; from wxcc_policy.cli import main; main(['check', sys.argv[1]]); print('httpx' in sys.modules)"
    done = subprocess.run(
        [sys.executable, "-c", code, str(ROOT / "examples" / "tenants" / "acme-tenant.json")], capture_output=True, text=True, check=False
    )
    assert done.stdout.strip().splitlines()[-1] == "False"


def test_the_readme_path_runs_offline_from_the_bundled_responses(runner, tmp_path: Path, monkeypatch) -> None:
    monkeypatch.delenv("WEBEX_ACCESS_TOKEN")
    bundled = ROOT / "examples" / "exports"
    code, _, err = run_cli(
        runner, "export", "webex", "--org", ACME, "--from-responses", str(bundled / "acme-responses"),
        "--commercial", str(bundled / "subscriptions.csv"), "--commercial", str(bundled / "partners.csv"),
        "-o", str(tmp_path / "acme.json"),
    )  # fmt: skip
    assert (code, err) == (0, "")
    assert (tmp_path / "acme.json").read_bytes() == (bundled / "acme-tenant.json").read_bytes()
    code, stdout, _ = run_cli(runner, "check", str(ROOT / "examples" / "exports"))
    assert code == 1 and stdout.endswith("1 file checked: 2 errors, 0 warnings, 0 info. Failed.\n")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        ((), "give exactly one of --org ORG_ID or --partner"),
        (("--org", ACME, "--partner"), "give exactly one of --org ORG_ID or --partner"),
        (("--partner",), "--partner writes one snapshot per org: give --out-dir DIR"),
        (("--org", ACME, "--out-dir", "x"), "--out-dir is for --partner; give -o FILE for one org"),
    ],
)
def test_options_that_cannot_work_exit_2(runner, args: tuple[str, ...], message: str) -> None:
    see = "(see 'wxcc-policy export webex --help')"
    assert run_cli(runner, "export", "webex", *args) == (2, "", f"wxcc-policy: error: export webex: {message} {see}\n")


@pytest.mark.parametrize(("token", "message"), [("", "no token: set WEBEX_ACCESS_TOKEN"), ("abc\u00e9def", "the token has characters")])
def test_a_missing_or_unusable_token_exits_2_without_showing_it(runner, monkeypatch, token: str, message: str) -> None:
    monkeypatch.setenv("WEBEX_ACCESS_TOKEN", token)
    code, _, err = run_cli(runner, "export", "webex", "--org", ACME)
    assert code == 2 and message in err and (not token or token not in err)


def test_the_output_never_overwrites_a_commercial_file(runner, fake: FakeWebex, records: list[str], tmp_path: Path) -> None:
    before = (tmp_path / "subscriptions.csv").read_bytes()
    code, _, err = export(runner, fake, "--org", ACME, *records, "-o", str(tmp_path / "subscriptions.csv"))
    assert code == 2 and "subscriptions.csv" in err and err.count("\n") == 1
    assert (tmp_path / "subscriptions.csv").read_bytes() == before


def test_a_hostile_body_is_one_line(runner, fake: FakeWebex, records: list[str], tmp_path: Path, monkeypatch) -> None:
    from wxcc_policy.adapters.webex import client

    fake.fault("/v1/roles", 200, "[" * 100_000)
    code, _, err = export(runner, fake, "--org", ACME, *records, "-o", str(tmp_path / "t.json"))
    assert (code, err) == (1, "wxcc-policy: error: GET /roles: the response nests too deeply to be an API answer\n")
    monkeypatch.setattr(client, "MAX_BODY", 1000)
    code, _, err = export(runner, fake, "--org", ACME, *records, "-o", str(tmp_path / "t.json"))
    assert code == 1 and err.endswith(": the response is larger than 0 MiB\n") and err.count("\n") == 1


def test_the_rate_limiter_spaces_requests_evenly() -> None:
    from wxcc_policy.adapters.webex.client import RateLimiter, retry_after

    now, slept = [100.0], []
    limiter = RateLimiter(120, clock=lambda: now[0], sleep=slept.append)  # one every 0.5 s
    for _ in range(3):
        limiter.acquire()
    now[0] = 110.0  # idle for a while: no burst is saved up beyond the next slot
    limiter.acquire()
    limiter.acquire()
    assert slept == [0.5, 1.0, 0.5]
    assert (retry_after("7", 0), retry_after(None, 2), retry_after("soon", 1)) == (7.0, 2.0, 1.0)


def test_a_server_that_is_not_there_is_one_line(runner, tmp_path: Path) -> None:
    with FakeWebex(Model({}, me_org=PARTNER)) as gone:
        base = gone.base  # a port nothing listens on once the server is closed
    code, _, err = run_cli(
        runner, "export", "webex", "--org", ACME, "--api-base-url", base + "/v1", "--retries", "1", "-o", str(tmp_path / "t.json")
    )
    assert code == 2
    assert err.startswith("wxcc-policy: error: GET /people/me: cannot connect (") and err.endswith(") after 2 attempts\n")

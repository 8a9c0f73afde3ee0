"""A stand-in for the Webex Admin and Contact Center APIs: the standard library's HTTP
server on 127.0.0.1, in a thread, serving tenants built from a small model, with the
APIs' own paging (Link headers, `meta.links.next`) and faults queued per path (429,
500, a slow answer, a malformed body). Tests and benchmarks/bench_export.py use it."""

from __future__ import annotations

import base64
import json
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, quote, urlencode, urlsplit

TOKEN = "fixture-token-0123456789abcdef"


def webex_id(kind: str, uuid: str) -> str:
    return base64.b64encode(f"ciscospark://us/{kind}/{uuid}".encode()).decode().rstrip("=")


def uuid_of(n: int, kind: int = 0) -> str:
    return f"{kind:08x}-0000-4000-8000-{n:012x}"


@dataclass
class Org:
    uuid: str
    name: str
    licenses: list[dict[str, Any]] = field(default_factory=list)  # uuid, name, subscriptionId, totalUnits, holders
    people: list[dict[str, Any]] = field(default_factory=list)  # uuid, email, name, roles
    cc_users: list[dict[str, Any]] = field(default_factory=list)  # id, ciUserId, profileId, email, first, last
    profiles: list[dict[str, Any]] = field(default_factory=list)  # id, name, profileType
    partner_admins: list[dict[str, Any]] | None = None  # uuid, name, email, role


@dataclass
class Model:
    orgs: dict[str, Org]
    me_org: str
    me_uuid: str = "99999999-0000-4000-8000-000000000001"
    partner_full_admin: bool = False  # managedBy is then refused, as the API does
    roles: list[dict[str, str]] = field(
        default_factory=lambda: [
            {"uuid": uuid_of(1, 7), "name": "Full Administrator"},
            {"uuid": uuid_of(2, 7), "name": "Read-only Administrator"},
        ]
    )
    page: dict[str, int] = field(default_factory=lambda: {"people": 1000, "license": 300, "cc": 100})


class FakeWebex:
    """The server; `base` + "/v1" is the Admin API, `base` + "/cc" the Contact Center API."""

    def __init__(self, model: Model, token: str = TOKEN) -> None:
        self.model = model
        self.token = token
        self.faults: dict[str, list[tuple[int, dict[str, str], str, float]]] = {}
        self.requests: list[tuple[str, dict[str, str]]] = []
        self._lock = threading.Lock()
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(self))
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self._server.server_address[1]}"

    def __enter__(self) -> FakeWebex:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._server.shutdown()
        self._server.server_close()

    def fault(self, path: str, status: int, body: str = "", headers: dict[str, str] | None = None, delay: float = 0.0) -> None:
        """Answer the next request whose path starts with `path` with this instead."""
        self.faults.setdefault(path, []).append((status, headers or {}, body, delay))

    def answer(self, path: str, query: dict[str, str]) -> tuple[int, dict[str, str], str]:
        status, headers, body = route(self.model, self.base, path, query)
        return status, headers, json.dumps(body)

    def take_fault(self, path: str) -> tuple[int, dict[str, str], str, float] | None:
        with self._lock:
            for prefix, queued in self.faults.items():
                if path.startswith(prefix) and queued:
                    return queued.pop(0)
        return None


def _handler(fake: FakeWebex) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        wbufsize = 1 << 16  # one write per answer: headers and body in separate writes meet delayed ACKs (40 ms each)

        def log_message(self, *args: object) -> None:  # quiet
            pass

        def do_GET(self) -> None:
            url = urlsplit(self.path)
            with fake._lock:
                fake.requests.append((self.path, dict(self.headers)))
            fault = fake.take_fault(url.path)
            if fault is not None:
                status, headers, body, delay = fault
                time.sleep(delay)
            elif self.headers.get("Authorization") != f"Bearer {fake.token}":
                status, headers, body = (
                    401,
                    {},
                    json.dumps({"message": "The request requires a valid access token set in the Authorization request header."}),
                )
            else:
                query = {k: v[0] for k, v in parse_qs(url.query).items()}
                status, headers, body = fake.answer(url.path, query)
            self._send(status, headers, body.encode())

        def _send(self, status: int, headers: dict[str, str], data: bytes) -> None:
            try:
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                for name, value in headers.items():
                    self.send_header(name, value)
                self.end_headers()
                self.wfile.write(data)
            except (BrokenPipeError, ConnectionResetError):
                pass  # the client gave up (a timeout test)

    return Handler


def route(model: Model, base: str, path: str, query: dict[str, str]) -> tuple[int, dict[str, str], Any]:
    """The API's answer to one GET, as the official OpenAPI descriptions shape it."""
    parts = path.strip("/").split("/")
    if parts[0] == "v1":
        return _admin(model, base, parts[1:], query)
    if parts[0] == "cc" and len(parts) == 5 and parts[1] == "organization":
        return _contact_center(model, parts[2], parts[3] + "/" + parts[4], query)
    return 404, {}, {"message": "The requested resource could not be found."}


def _admin(model: Model, base: str, parts: list[str], query: dict[str, str]) -> tuple[int, dict[str, str], Any]:
    key = "/".join(parts)
    if key == "people/me":
        return 200, {}, _person(model.me_uuid, "me@partner.example", "Partner Admin", [], model.me_org)
    if key == "organizations":
        return (
            200,
            {},
            {"items": [_org(o) for o in sorted(model.orgs.values(), key=lambda o: o.uuid)] + [_org(Org(model.me_org, "Partner"))]},
        )
    if key == "partner/organizations":
        if model.partner_full_admin:
            return (
                400,
                {},
                {
                    "message": "The user already has access to all customers managed by their partner organization.",
                    "trackingId": "ROUTER_1",
                },
            )
        return (
            200,
            {},
            {
                "items": [
                    {"orgId": webex_id("ORGANIZATION", o.uuid), "role": "YXRsYXMtcG9ydGFsLnBhcnRuZXIuc2FsZXNhZG1pbg"}
                    for o in model.orgs.values()
                ]
            },
        )
    if key == "roles":
        return 200, {}, {"items": [{"id": webex_id("ROLE", r["uuid"]), "name": r["name"]} for r in model.roles]}
    org = _org_by_id(model, query.get("orgId", "") or (parts[2] if len(parts) > 2 else "") or (parts[1] if len(parts) > 1 else ""))
    if parts[0] == "organizations" and org is not None:
        return 200, {}, _org(org)
    if key.startswith("partner/organizations/") and parts[-1] == "partnerAdmins" and org is not None:
        if org.partner_admins is None:
            return 403, {}, {"message": "Forbidden"}
        return 200, {}, {"items": [_partner_admin(a) for a in org.partner_admins]}
    if key == "licenses" and org is not None:
        return 200, {}, {"items": [_license(org, lic) for lic in org.licenses]}
    if parts[0] == "licenses" and len(parts) == 2:
        return _license_users(model, base, parts[1], query)
    if key == "people" and org is not None:
        return _people(model, base, org, query)
    return 404, {}, {"message": "The requested resource could not be found."}


def _org_by_id(model: Model, given: str) -> Org | None:
    for org in model.orgs.values():
        if given in (org.uuid, webex_id("ORGANIZATION", org.uuid)):
            return org
    return None


def _org(org: Org) -> dict[str, Any]:
    return {"id": webex_id("ORGANIZATION", org.uuid), "displayName": org.name, "created": "2024-03-01T09:00:00.000Z"}


def _partner_admin(admin: dict[str, Any]) -> dict[str, Any]:
    first, _, last = admin["name"].partition(" ")
    person = {
        "id": webex_id("PEOPLE", admin["uuid"]),
        "displayName": admin["name"],
        "firstName": first,
        "lastName": last,
        "emails": [admin["email"]],
    }
    return {**person, "roleInCustomerOrg": admin["role"]}


def _license_id(org: Org, lic: dict[str, Any]) -> str:
    return webex_id("LICENSE", f"{org.uuid}/{lic['code']}_{lic['uuid']}")


def _license(org: Org, lic: dict[str, Any]) -> dict[str, Any]:
    return {
        "id": _license_id(org, lic),
        "name": lic["name"],
        "totalUnits": lic["totalUnits"],
        "consumedUnits": len(lic["holders"]),
        "consumedByUsers": len(lic["holders"]),
        "consumedByWorkspaces": 0,
        "subscriptionId": lic["subscriptionId"],
    }


def _license_users(model: Model, base: str, license_id: str, query: dict[str, str]) -> tuple[int, dict[str, str], Any]:
    for org in model.orgs.values():
        for lic in org.licenses:
            if _license_id(org, lic) == license_id:
                people = {p["uuid"]: p for p in org.people}
                holders = [people[h] for h in lic["holders"]]
                start, size = int(query.get("next", "0") or 0), min(int(query.get("limit", "300")), model.page["license"])
                users = [
                    {"id": webex_id("PEOPLE", p["uuid"]), "type": "INTERNAL", "displayName": p["name"], "email": p["email"]}
                    for p in holders[start : start + size]
                ]
                headers = (
                    _link(base, f"/licenses/{quote(license_id, safe='')}", {**query, "next": str(start + size)})
                    if start + size < len(holders)
                    else {}
                )
                return 200, headers, {**_license(org, lic), "users": users}
    return 404, {}, {"message": "License not found."}


def _people(model: Model, base: str, org: Org, query: dict[str, str]) -> tuple[int, dict[str, str], Any]:
    start = int(query.get("cursor", "0"))
    size = min(int(query.get("max", "100")), model.page["people"])
    held = [(_license_id(org, lic), set(lic["holders"])) for lic in org.licenses]
    items = [
        _person(
            p["uuid"],
            p["email"],
            p["name"],
            p["roles"],
            org.uuid,
            [license_id for license_id, holders in held if p["uuid"] in holders],
        )
        for p in org.people[start : start + size]
    ]
    headers = _link(base, "/people", {**query, "cursor": str(start + size)}) if start + size < len(org.people) else {}
    return 200, headers, {"items": items}


def _person(uuid: str, email: str, name: str, roles: list[str], org: str, licenses: list[str] | None = None) -> dict[str, Any]:
    first, _, last = name.partition(" ")
    return {
        "id": webex_id("PEOPLE", uuid),
        "emails": [email],
        "displayName": name,
        "firstName": first,
        "lastName": last,
        "orgId": webex_id("ORGANIZATION", org),
        "roles": [webex_id("ROLE", r) for r in roles],
        "licenses": licenses or [],
        "created": "2024-03-01T09:00:00.000Z",
        "status": "active",
        "type": "person",
    }


def _link(base: str, path: str, query: dict[str, str]) -> dict[str, str]:
    return {"Link": f'<{base}/v1{path}?{urlencode(query)}>; rel="next"'}


def _contact_center(model: Model, org_uuid: str, what: str, query: dict[str, str]) -> tuple[int, dict[str, str], Any]:
    org = model.orgs.get(org_uuid)
    if org is None:
        return (
            404,
            {},
            {
                "trackingId": "ccconfig_1",
                "error": {"key": "404", "reason": "Not found", "message": [{"description": "Organization not found"}]},
            },
        )
    rows = (
        [_cc_user(org, u) for u in org.cc_users]
        if what == "v2/user"
        else [_profile(org, p) for p in org.profiles]
        if what == "v3/user-profile"
        else None
    )
    if rows is None:
        return 404, {}, {"error": {"key": "404", "reason": "Not found"}}
    page, size = int(query.get("page", "0")), min(int(query.get("pageSize", "100")), model.page["cc"])
    pages = max(1, -(-len(rows) // size))
    links = {
        "self": f"/organization/{org_uuid}/{what}?page={page}&pageSize={size}",
        "first": f"/organization/{org_uuid}/{what}?page=0&pageSize={size}",
    }
    if page + 1 < pages:
        links["next"] = f"/organization/{org_uuid}/{what}?page={page + 1}&pageSize={size}"
    meta = {"orgid": org_uuid, "page": page, "pageSize": size, "totalPages": pages, "totalRecords": len(rows), "links": links}
    return 200, {}, {"meta": meta, "data": rows[page * size : (page + 1) * size]}


def _cc_user(org: Org, user: dict[str, Any]) -> dict[str, Any]:
    return {
        "organizationId": org.uuid,
        "id": user["id"],
        "version": 1,
        "firstName": user["first"],
        "lastName": user["last"],
        "email": user["email"],
        "ciUserId": user["ciUserId"],
        "userProfileId": user["profileId"],
        "contactCenterEnabled": user.get("enabled", True),
        "active": user.get("active", True),
        "siteId": "8e6bb6da-2a78-4768-bef9-7e229f92af22",
        "subscriptionId": "04d0bdf6-6d6a-4aae-8a8a-71c9152e6478",  # an event subscription: never read
        "createdTime": 1679393400000,
        "lastUpdatedTime": 1679393400000,
    }


def _profile(org: Org, profile: dict[str, Any]) -> dict[str, Any]:
    return {
        "organizationId": org.uuid,
        "id": profile["id"],
        "version": 1,
        "name": profile["name"],
        "profileType": profile["profileType"],
        "active": True,
        "permissionAccessLevel": "ALL",
        "resourceAccessLevel": "ALL",
        "systemDefault": False,
        "createdTime": 0,
        "lastUpdatedTime": 0,
    }


# The acme tenant of the tests: three Contact Center subscriptions (Sub-1 expired and
# named, Sub-2 active and concurrent, Sub-3 active and named), two agents, a supervisor
# and an administrator. Known problems: Agent 0 is on the expired Sub-1 (WXCC-ACC-001)
# and Sub-3's license model differs from Sub-2's (WXCC-SUB-002).
ACME = "1eb65fdf-9643-417f-9974-ad72cae0e10f"
PARTNER = "aa000000-0000-4000-8000-00000000beef"


def acme_org(uuid: str = ACME, name: str = "Acme, Inc.", agents: int = 2) -> Org:
    people = [
        {"uuid": uuid_of(1, 1), "email": "alice@acme.example", "name": "Alice Admin", "roles": [uuid_of(1, 7)]},
        {"uuid": uuid_of(2, 1), "email": "sam@acme.example", "name": "Sam Supervisor", "roles": []},
    ] + [{"uuid": uuid_of(10 + n, 1), "email": f"agent{n}@acme.example", "name": f"Agent {n}", "roles": []} for n in range(agents)]
    profiles = [
        {"id": uuid_of(1, 2), "name": "Admin", "profileType": "ADMINISTRATOR"},
        {"id": uuid_of(2, 2), "name": "Supervisor", "profileType": "SUPERVISOR"},
        {"id": uuid_of(3, 2), "name": "Agent", "profileType": "STANDARD_AGENT"},
        {"id": uuid_of(4, 2), "name": "Premium Agent", "profileType": "PREMIUM_AGENT"},
    ]
    profile_of = [uuid_of(1, 2), uuid_of(2, 2)] + [uuid_of(3 if n % 2 == 0 else 4, 2) for n in range(agents)]
    cc_users = [
        {
            "id": uuid_of(n + 1, 3),
            "ciUserId": p["uuid"],
            "profileId": profile_of[n],
            "email": p["email"],
            "first": p["name"].split()[0],
            "last": p["name"].split()[1],
        }
        for n, p in enumerate(people)
    ]
    agents_std = [p["uuid"] for n, p in enumerate(people[2:]) if n % 2 == 0]
    agents_prm = [people[0]["uuid"], people[1]["uuid"]] + [p["uuid"] for n, p in enumerate(people[2:]) if n % 2 == 1]
    licenses = [
        {
            "uuid": uuid_of(1, 4),
            "code": "CJPSTD",
            "name": "Contact Center Standard Agent",
            "subscriptionId": "Sub-1",
            "totalUnits": 10,
            "holders": agents_std,
        },
        {
            "uuid": uuid_of(2, 4),
            "code": "CJPPRM",
            "name": "Contact Center Premium Agent",
            "subscriptionId": "Sub-2",
            "totalUnits": 5,
            "holders": agents_prm,
        },
        {"uuid": uuid_of(4, 4), "code": "CJPIVR", "name": "Contact Center IVR", "subscriptionId": "Sub-3", "totalUnits": 4, "holders": []},
        {
            "uuid": uuid_of(3, 4),
            "code": "MS",
            "name": "Meeting - Webex Meeting Center",
            "subscriptionId": "Sub-M",
            "totalUnits": 50,
            "holders": [],
        },
    ]
    admins = [{"uuid": uuid_of(1, 5), "name": "Pat Partner", "email": "pat@partner.example", "role": "id_full_admin"}]
    return Org(uuid, name, licenses, people, cc_users, profiles, admins)


ACME_COMMERCIAL_CSV = (
    "id,status,createdAt,startDate,endDate,licenseModel,offer,telephony,termMonths\n"
    "Sub-1,expired,2024-01-10,2024-01-10,2026-10-31,named,flex,webex-calling,33\n"
    "Sub-2,active,2026-06-01,2026-06-01,2027-05-31,concurrent,flex,webex-calling,12\n"
    "Sub-3,active,2026-07-01,2026-07-01,2027-06-30,named,flex,webex-calling,12\n"
)
ACME_PARTNERS_CSV = f"id,name,grantedBy,grantedAt,ownsRelationship\n{PARTNER},Partner Co,{uuid_of(1, 1)},2026-06-02,yes\n"

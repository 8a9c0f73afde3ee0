"""One org's snapshot from its API answers and its commercial records (docs/export.md).

Nothing is guessed: a subscription the API shows without a commercial row, or a row
without a required field, is an error naming the subscription and what is missing."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from wxcc_policy.adapters.webex.commercial import REQUIRED, Commercial, Record
from wxcc_policy.adapters.webex.fetch import OrgData
from wxcc_policy.adapters.webex.ids import bare_id
from wxcc_policy.adapters.webex.licenses import AGENT_TYPES, contact_center_licenses, usage_type
from wxcc_policy.adapters.webex.problems import ExportProblem
from wxcc_policy.adapters.webex.provenance import FIELDS
from wxcc_policy.adapters.webex.roles import ADMIN_ROLE_NAMES, PROFILE_LICENSE, PROFILE_ROLES, ordered, partner_access

SNAPSHOT_VERSION = "1"
SUBSCRIPTION_ORDER = (
    "id",
    "status",
    "createdAt",
    "startDate",
    "endDate",
    "termMonths",
    "licenseModel",
    "offer",
    "deployment",
    "telephony",
    "partnerId",
    "department",
)


@dataclass
class Built:
    """A snapshot and what building it found: warnings (stderr) and located errors (exit 1)."""

    snapshot: dict[str, Any]
    warnings: list[str] = field(default_factory=list)
    errors: list[ExportProblem] = field(default_factory=list)
    origins: dict[str, str] = field(default_factory=dict)  # snapshot pointer → file:line:column
    used: set[int] = field(default_factory=set)  # ids of the commercial records used
    records: dict[str, str] = field(default_factory=dict)  # snapshot record → file:line it came from


@dataclass(frozen=True)
class Context:
    captured_at: str
    exporter: str
    bases: dict[str, str]
    single_org: bool


def subscription_ids(data: OrgData) -> list[str]:
    return sorted({str(lic["subscriptionId"]) for lic in contact_center_licenses(data.licenses)})


def build(data: OrgData, commercial: Commercial, context: Context) -> Built:
    built = Built({})
    subs = _subscriptions(data, commercial, built)
    partners, owner = _partners(data, commercial, built, context)
    tenant: dict[str, Any] = {"id": data.org_uuid}
    if data.org.get("displayName"):
        tenant["name"] = str(data.org["displayName"])
    if owner:
        tenant["partnerId"] = owner
    built.snapshot.update(
        snapshotVersion=SNAPSHOT_VERSION,
        capturedAt=context.captured_at,
        tenant=tenant,
        subscriptions=subs,
        users=_users(data, subs, built),
        partners=partners,
        usage=_amounts(commercial, "usage", {s["id"] for s in subs}, built),
        overages=_amounts(commercial, "overages", {s["id"] for s in subs}, built),
        provenance=_provenance(context, commercial, built),
    )
    return built


def _subscriptions(data: OrgData, commercial: Commercial, built: Built) -> list[dict[str, Any]]:
    rows = _rows_by_id(commercial.of("subscriptions"), built)
    entitled = _entitlements(data)
    subs: list[dict[str, Any]] = []
    for sub_id in subscription_ids(data):
        row = rows.get(sub_id)
        if row is None:
            built.errors.append(
                ExportProblem(
                    f"subscription {sub_id} has Contact Center licenses but no row in the commercial records"
                    f" (subscriptions: {', '.join(REQUIRED['subscriptions'])}); `--commercial-template FILE` writes one",
                    where=f"GET /licenses?orgId= of {data.org_uuid}",
                )
            )
            continue
        built.used.add(id(row))
        missing = [name for name in REQUIRED["subscriptions"] if row.get(name) is None]
        if missing:
            built.errors.append(ExportProblem(f"subscription {sub_id}: missing {', '.join(missing)}", where=row.where))
            continue
        subs.append(_subscription(row, entitled.get(sub_id, {}), len(subs), built))
    return subs


def _rows_by_id(records: list[Record], built: Built) -> dict[str, Record]:
    rows: dict[str, Record] = {}
    for record in records:
        key = str(record.get("id"))
        if key in rows:
            built.errors.append(
                ExportProblem(f"a second row for subscription {key} (the first is at {rows[key].where})", where=record.where)
            )
        rows.setdefault(key, record)
    return rows


def _subscription(row: Record, entitlements: dict[str, int], index: int, built: Built) -> dict[str, Any]:
    sub: dict[str, Any] = {}
    for name in SUBSCRIPTION_ORDER:
        if row.get(name) is not None:
            sub[name] = row.get(name)
            built.origins[f"/subscriptions/{index}/{name}"] = row.fields[name].where
    sub["entitlements"] = dict(sorted(entitlements.items()))
    added = {n.split(".", 1)[1]: v.value for n, v in sorted(row.fields.items()) if n.startswith("usageTypeAddedAt.")}
    if added:
        sub["usageTypeAddedAt"] = added
        for name in added:
            built.origins[f"/subscriptions/{index}/usageTypeAddedAt/{name}"] = row.fields[f"usageTypeAddedAt.{name}"].where
    built.records[f"subscriptions/{sub['id']}"] = _short(row.where)
    return sub


def _entitlements(data: OrgData) -> dict[str, dict[str, int]]:
    found: dict[str, dict[str, int]] = {}
    for lic in contact_center_licenses(data.licenses):
        kind = usage_type(lic) or ""
        units = lic.get("totalUnits")
        per_sub = found.setdefault(str(lic["subscriptionId"]), {})
        per_sub[kind] = per_sub.get(kind, 0) + (int(units) if isinstance(units, (int, float)) and units >= 0 else 0)
    return found


def _users(data: OrgData, subs: list[dict[str, Any]], built: Built) -> list[dict[str, Any]]:
    profiles = {str(p.get("id")): str(p.get("profileType", "")) for p in data.profiles}
    people = {bare_id(str(p.get("id", ""))): p for p in data.people}
    role_names = {str(r.get("id")): str(r.get("name", "")) for r in data.roles}
    held = _licenses_held(data)
    order = _oldest_first(subs)
    users = []
    for cc_user in sorted(data.cc_users, key=lambda u: str(u.get("ciUserId") or u.get("id"))):
        if cc_user.get("active") is False or cc_user.get("contactCenterEnabled") is False:
            continue
        user = _user(cc_user, profiles, people, role_names, held, order, built)
        if user is not None:
            users.append(user)
    return users


def _user(
    cc_user: dict[str, Any],
    profiles: dict[str, str],
    people: dict[str, dict[str, Any]],
    role_names: dict[str, str],
    held: dict[str, list[tuple[str, str]]],
    order: list[str],
    built: Built,
) -> dict[str, Any] | None:
    uuid = str(cc_user.get("ciUserId") or cc_user.get("id"))
    person = people.get(uuid, {})
    profile = str(cc_user.get("userProfileType") or profiles.get(str(cc_user.get("userProfileId")), ""))
    roles = set(PROFILE_ROLES.get(profile, ()))
    if any(role_names.get(str(r)) in ADMIN_ROLE_NAMES for r in _listed(person.get("roles"))):
        roles.add("admin")
    if not roles:
        built.warnings.append(
            f"user {uuid}: user profile {cc_user.get('userProfileId')!r} has no known profileType; left out of the snapshot"
        )
        return None
    user: dict[str, Any] = {"id": uuid}
    emails = _listed(person.get("emails"))
    email = emails[0] if emails else cc_user.get("email")
    if email:
        user["email"] = str(email)
    name = person.get("displayName") or " ".join(str(cc_user[k]) for k in ("firstName", "lastName") if cc_user.get(k))
    if name:
        user["displayName"] = str(name)
    user["roles"] = ordered(roles)
    user["subscriptionId"] = _mapped_subscription(uuid, held.get(uuid, []), PROFILE_LICENSE.get(profile), order, built)
    return user


def _listed(value: Any) -> list[Any]:
    """A list field; the API's examples put several ids in one comma-separated string."""
    if not isinstance(value, list):
        return []
    return [part.strip() for item in value for part in str(item).split(",") if part.strip()]


def _licenses_held(data: OrgData) -> dict[str, list[tuple[str, str]]]:
    """Person UUID → (subscription, usage type) of each Contact Center agent license held."""
    by_id = {str(lic["id"]): lic for lic in contact_center_licenses(data.licenses)}
    held: dict[str, list[tuple[str, str]]] = {}
    for license_id, holders in sorted(data.license_users.items()):
        lic = by_id.get(license_id)
        if lic is None:
            continue
        for holder in holders:
            held.setdefault(bare_id(str(holder.get("id", ""))), []).append((str(lic["subscriptionId"]), usage_type(lic) or ""))
    return held


def _mapped_subscription(uuid: str, held: list[tuple[str, str]], wanted: str | None, order: list[str], built: Built) -> str | None:
    """The subscription of the agent license the user holds. Of several: the license that
    matches the profile (premium or standard), then the oldest subscription."""
    subs = sorted({sub for sub, kind in held if kind in AGENT_TYPES})
    if not subs:
        return None
    rank = {sub: (0 if (sub, wanted) in held else 1, order.index(sub) if sub in order else len(order), sub) for sub in subs}
    chosen = min(subs, key=lambda s: rank[s])
    if len(subs) > 1:
        built.warnings.append(
            f"user {uuid} holds Contact Center agent licenses of {', '.join(subs)}; mapped to {chosen}"
            " (the license matching the user profile, then the oldest subscription)"
        )
    return chosen


def _oldest_first(subs: list[dict[str, Any]]) -> list[str]:
    return [s["id"] for s in sorted(subs, key=lambda s: (_instant(str(s["createdAt"])), str(s["startDate"]), str(s["id"])))]


def _instant(text: str) -> str:
    try:
        moment = dt.datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return text
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=dt.timezone.utc)
    return moment.astimezone(dt.timezone.utc).isoformat()


def _partners(data: OrgData, commercial: Commercial, built: Built, context: Context) -> tuple[list[dict[str, Any]], str]:
    partners: dict[str, dict[str, Any]] = {}
    if data.partner_admins:
        levels = {partner_access(str(a.get("roleInCustomerOrg", ""))) for a in data.partner_admins}
        partners[data.token_org] = {"id": data.token_org, "accessLevel": "full-admin" if "full-admin" in levels else "provisioning-admin"}
    owner = ""
    for row in commercial.of("partners"):
        if row.get("tenantId") not in (None, data.org_uuid) or (row.get("tenantId") is None and not context.single_org):
            continue
        built.used.add(id(row))
        owner = _merge_partner(partners, row, built) or owner
        built.records[f"partners/{row.get('id')}"] = _short(row.where)
    return [partners[k] for k in sorted(partners)], owner


def _merge_partner(partners: dict[str, dict[str, Any]], row: Record, built: Built) -> str:
    """Fill what the API left out of a partner from its row; the partner id, if the row
    says it owns the customer relationship."""
    partner_id = str(row.get("id"))
    partner = partners.setdefault(partner_id, {"id": partner_id})
    for name in ("name", "accessLevel", "grantedBy"):
        if row.get(name) is not None and name not in partner:
            partner[name] = row.get(name)
    if "accessLevel" not in partner:
        built.errors.append(
            ExportProblem(f"partner {partner_id} is not in the API's partner admins: give its accessLevel", where=row.where)
        )
        partner["accessLevel"] = "provisioning-admin"  # never written: the error stops the export
    owns = str(row.get("ownsRelationship") or "").lower() in ("true", "yes", "1")
    return partner_id if owns else ""


def _amounts(commercial: Commercial, kind: str, subs: set[str], built: Built) -> list[dict[str, Any]]:
    found = []
    for row in commercial.of(kind):
        if str(row.get("subscriptionId")) not in subs:
            continue
        built.used.add(id(row))
        missing = [name for name in REQUIRED[kind] if row.get(name) is None]
        if missing:
            built.errors.append(ExportProblem(f"{kind} row: missing {', '.join(missing)}", where=row.where))
            continue
        found.append(({name: row.get(name) for name in REQUIRED[kind]}, row.where))
    found.sort(key=lambda pair: (str(pair[0]["period"]), str(pair[0]["subscriptionId"]), str(pair[0]["usageType"])))
    for index, (record, where) in enumerate(found):
        built.origins[f"/{kind}/{index}"] = where
        built.records[f"{kind}/{record['period']}/{record['subscriptionId']}/{record['usageType']}"] = _short(where)
    return [record for record, _ in found]


def _provenance(context: Context, commercial: Commercial, built: Built) -> dict[str, Any]:
    return {
        "exporter": context.exporter,
        "apiBaseUrl": context.bases["admin"],
        "contactCenterBaseUrl": context.bases["cc"],
        "commercialFiles": commercial.files,
        "fields": FIELDS,
        "records": dict(sorted(built.records.items())),
    }


def _short(where: str) -> str:
    """file:line of a record, by file name only (the same on the auditor's machine)."""
    path, line, _ = where.rsplit(":", 2)
    return f"{path.replace(chr(92), '/').rsplit('/', 1)[-1]}:{line}"

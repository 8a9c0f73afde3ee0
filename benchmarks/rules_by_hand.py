"""Hand-written Python for four built-in policies, one function each: the baseline that the
engine's evaluation of each rule is compared with (benchmarks/bench_rules.py).

Each returns the findings as (key, message) pairs, worded as the policy words them, so that
the benchmark can check the engine and the hand-written code agree finding by finding. They
follow the snapshot library's definitions (policies/snapshot-library.yaml) for the values
the benchmark tenants hold: plain dates, `Z` instants, whole-number quantities.
"""

from __future__ import annotations

import calendar
import datetime as dt
from typing import Any

Doc = dict[str, Any]
Findings = list[tuple[str, str]]
OVERAGE_TYPES = ("standardAgent", "premiumAgent", "ivr", "aiAgent", "aiAssistant", "ivrOutboundCampaigns")
PRIMARY_TYPES = ("standardAgent", "premiumAgent", "ivr")


def _instant(text: str) -> dt.datetime:
    value = dt.datetime.fromisoformat(text.replace("Z", "+00:00"))
    return value if value.tzinfo else value.replace(tzinfo=dt.timezone.utc)


def _oldest_first(doc: Doc) -> list[Doc]:
    return sorted(doc["subscriptions"], key=lambda s: (_instant(s["createdAt"]), s["startDate"], s["id"]))


def _current(doc: Doc, as_of: str) -> list[Doc]:
    return [s for s in _oldest_first(doc) if s["status"] in ("active", "pending") and s["endDate"] >= as_of]


def _active(s: Doc, d: str, capture: str) -> bool:
    status = s["status"]
    return s["startDate"] <= d <= s["endDate"] and (status in ("active", "pending") or (status == "expired" and d < capture))


def _capture(doc: Doc) -> str:
    return _instant(doc["capturedAt"]).astimezone(dt.timezone.utc).date().isoformat()


def tel_001(doc: Doc) -> Findings:
    as_of = _capture(doc)
    oldest = _oldest_first(doc)
    if not oldest:
        return []
    first = oldest[0]
    tel = first["telephony"]
    return [
        (
            f"subscriptions/{s['id']}",
            f"Subscription {s['id']} uses {s['telephony']}, but the tenant's telephony option, chosen by its first "
            f"subscription {first['id']}, is {tel}. Provision {s['id']} with {tel}; switching the whole tenant goes "
            "through Cisco support.",
        )
        for s in oldest
        if s["status"] in ("active", "pending") and s["endDate"] >= as_of and s["telephony"] != tel
    ]


def sub_002(doc: Doc) -> Findings:
    current = _current(doc, _capture(doc))
    if not current:
        return []
    ref = current[0]
    model = ref["licenseModel"]
    return [
        (
            f"subscriptions/{s['id']}",
            f"Subscription {s['id']} is {s['licenseModel']}, but the oldest current subscription {ref['id']} is {model}; "
            f"named and concurrent subscriptions cannot be mixed in one tenant. Provision {s['id']} as {model}.",
        )
        for s in current
        if s["licenseModel"] != model
    ]


def acc_001(doc: Doc) -> Findings:
    as_of = capture = _capture(doc)
    by_id: dict[str, Doc] = {}
    for s in doc["subscriptions"]:
        by_id.setdefault(s["id"], s)
    active_ids = {i for i, s in by_id.items() if _active(s, as_of, capture)}
    found: Findings = []
    remedy = None
    for user in doc["users"]:
        sid = user.get("subscriptionId")
        if sid in active_ids:
            continue
        if remedy is None:  # the library memoises activeOn(asOf) per document
            remedy = _remedy(doc, as_of, capture)
        problem = _problem(sid, by_id, as_of)
        found.append((f"users/{user['id']}", f"User {_name(user)} ({user['id']}) {problem}; {remedy} to keep {_access(user)} access."))
    return found


def _remedy(doc: Doc, as_of: str, capture: str) -> str:
    active = [s for s in _oldest_first(doc) if _active(s, as_of, capture)]
    if not active:
        return f"no subscription is active on {as_of}: renew or add one and remap to it"
    names = [f"{active[0]['id']} (primary)", *(s["id"] for s in active[1:5])]
    more = f" or {len(active) - 5} more" if len(active) > 5 else ""
    return "remap to " + ", ".join(names) + more


def _problem(sid: str | None, by_id: dict[str, Doc], as_of: str) -> str:
    s = by_id.get(sid) if sid is not None else None
    if sid is None:
        return "is not mapped to any subscription"
    if s is None:
        return f"is mapped to {sid}, which does not exist"
    if s["status"] == "cancelled":
        return f"is mapped to {s['id']}, which is cancelled"
    if s["endDate"] < as_of:
        return f"is mapped to {s['id']}, which expired on {s['endDate']}"
    if s["startDate"] > as_of:
        return f"is mapped to {s['id']}, which only starts on {s['startDate']}"
    return f"is mapped to {s['id']}, which is not active on {as_of} (status {s['status']})"


def _name(user: Doc) -> str:
    return user.get("displayName") or user.get("email") or user["id"]


def _access(user: Doc) -> str:
    roles = user["roles"]
    if "admin" in roles and ("agent" in roles or "supervisor" in roles):
        return "Control Hub and Agent Desktop"
    return "Control Hub" if "admin" in roles else "Agent Desktop"


def bil_003(doc: Doc) -> Findings:
    as_of = capture = _capture(doc)
    groups: dict[tuple[str, str], list[Doc]] = {}
    for r in doc["usage"]:
        if r["usageType"] in OVERAGE_TYPES:
            groups.setdefault((r["period"], r["usageType"]), []).append(r)
    charged: dict[tuple[str, str], int] = {}
    for o in doc["overages"]:
        key = (o["period"], o["usageType"])
        charged[key] = charged.get(key, 0) + o["quantity"]
    oldest = _oldest_first(doc)
    active_on: dict[str, list[Doc]] = {}
    found: Findings = []
    for (period, kind), items in groups.items():
        day = as_of if as_of[:7] == period else _end_of_month(period)
        if day not in active_on:
            active_on[day] = [s for s in oldest if _active(s, day, capture)]
        active = active_on[day]
        used = sum(r["quantity"] for r in items)
        entitled = sum(s["entitlements"].get(kind, 0) for s in active)
        billable = max(0, used - entitled)
        paid = charged.get((period, kind), 0)
        if billable > paid:
            found.append((f"periods/{period}/{kind}", _bil_message(period, kind, day, active, used, entitled, billable, paid)))
    return found


def _bil_message(period: str, kind: str, day: str, active: list[Doc], used: int, entitled: int, billable: int, paid: int) -> str:
    carrying = [s for s in active if s["entitlements"].get(kind, 0) > 0]
    breakdown = ", ".join(f"{s['id']}: {s['entitlements'][kind]}" for s in carrying) if carrying else "none"
    if kind in PRIMARY_TYPES:
        target = active[0] if active else None
    else:
        target = min(carrying, key=lambda s: _instant(s.get("usageTypeAddedAt", {}).get(kind) or s["createdAt"]), default=None)
    where = target["id"] if target else f"the right subscription (none is active on {day})"
    return (
        f"Tenant-wide {kind} usage for {period} exceeds the entitlement: used {used} against {entitled} entitled ({breakdown}): "
        f"{billable} billable, {paid} charged, {billable - paid} under-billed. Charge the shortfall to {where}."
    )


def _end_of_month(period: str) -> str:
    year, month = int(period[:4]), int(period[5:7])
    return f"{period}-{calendar.monthrange(year, month)[1]:02d}"


RULES = {"WXCC-TEL-001": tel_001, "WXCC-SUB-002": sub_002, "WXCC-ACC-001": acc_001, "WXCC-BIL-003": bil_003}

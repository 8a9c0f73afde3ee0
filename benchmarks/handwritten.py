"""Hand-written Python for the three user-scale policies (WXCC-ACC-001, WXCC-ACC-002,
WXCC-DAT-001): the baseline that the engine's evaluation is compared with."""

from __future__ import annotations

import datetime as dt
from typing import Any


def _active(s: dict[str, Any], d: str, capture: str) -> bool:
    status = s["status"]
    return s["startDate"] <= d <= s["endDate"] and (status in ("active", "pending") or (status == "expired" and d < capture))


def check(doc: dict[str, Any], as_of: str, warn_days: int = 30) -> int:
    capture = doc["capturedAt"][:10]
    first: dict[str, Any] = {}
    for s in doc["subscriptions"]:
        first.setdefault(s["id"], s)
    active = {i for i, s in first.items() if _active(s, as_of, capture)}
    horizon = (dt.date.fromisoformat(as_of) + dt.timedelta(days=warn_days)).isoformat()
    ending = {i for i in active if first[i]["endDate"] <= horizon}
    found = 0
    seen: dict[str, int] = {}
    for u in doc["users"]:
        sid = u["subscriptionId"]
        found += sid not in active
        found += sid in ending
        seen[u["id"]] = seen.get(u["id"], 0) + 1
        found += seen[u["id"]] > 1
    return found

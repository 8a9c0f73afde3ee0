"""Seeded generator of tenant snapshots of any size, for benchmarks and tests.

Usage: python benchmarks/generate.py --users 100000 --subscriptions 50 \
           --months 12 --violations 0.01 --seed 1 -o big.json
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import random
import sys

AGENT_TYPES = ("standardAgent", "premiumAgent", "ivr")
CAPTURED = dt.date(2026, 11, 20)


def _date(d: dt.date) -> str:
    return d.isoformat()


def _subscription(i: int, rng: random.Random, expired: bool) -> dict:
    created = dt.date(2022, 1, 1) + dt.timedelta(days=i * 7)
    start = created + dt.timedelta(days=10)
    end = (CAPTURED - dt.timedelta(days=40 + i)) if expired else dt.date(2028, 1, 1) + dt.timedelta(days=i)
    return {
        "id": f"Sub-{100 + i}",
        "status": "expired" if expired else "active",
        "createdAt": _date(created),
        "startDate": _date(start),
        "endDate": _date(end),
        "termMonths": 36,
        "licenseModel": "named",
        "offer": "flex3",
        "deployment": "cloud",
        "telephony": "webex-calling",
        "department": f"Dept {i % 7}",
        "entitlements": {"standardAgent": rng.randint(50, 5000), "ivr": rng.randint(10, 500), "webexConnect": 100000},
    }


def _users(n: int, subs: list[dict], rate: float, rng: random.Random) -> list[dict]:
    live = [s["id"] for s in subs if s["status"] == "active"]
    dead = [s["id"] for s in subs if s["status"] != "active"] or [None]
    roles = (["agent"], ["agent"], ["agent", "supervisor"], ["admin"])
    return [
        {
            "id": f"u-{i}",
            "email": f"user{i}@acme.example",
            "displayName": f"User {i}",
            "roles": roles[i % 4],
            "subscriptionId": rng.choice(dead) if rng.random() < rate else rng.choice(live),
        }
        for i in range(n)
    ]


def _periods(months: int) -> list[str]:
    year, month = CAPTURED.year, CAPTURED.month
    out = []
    for _ in range(months):
        month -= 1
        if month == 0:
            year, month = year - 1, 12
        out.append(f"{year:04d}-{month:02d}")
    return sorted(out)


def _usage(subs: list[dict], months: int, rng: random.Random) -> tuple[list[dict], list[dict]]:
    usage, overages = [], []
    primary = subs[0]["id"]
    for period in _periods(months):
        for s in subs:
            for kind in AGENT_TYPES[:1] + AGENT_TYPES[2:]:
                usage.append(
                    {"period": period, "subscriptionId": s["id"], "usageType": kind, "quantity": rng.randint(0, s["entitlements"][kind])}
                )
        usage.append({"period": period, "subscriptionId": primary, "usageType": "webexConnect", "quantity": rng.randint(1000, 90000)})
        overages.append({"period": period, "subscriptionId": primary, "usageType": "standardAgent", "quantity": rng.randint(1, 5)})
    return usage, overages


def generate(users: int, subscriptions: int, months: int, violations: float, seed: int) -> dict:
    rng = random.Random(seed)
    n_expired = max(1, subscriptions // 10) if violations > 0 else 0
    subs = [_subscription(i, rng, expired=(0 < i <= n_expired)) for i in range(subscriptions)]
    usage, overages = _usage(subs, months, rng)
    return {
        "snapshotVersion": "1",
        "capturedAt": "2026-11-20T09:00:00Z",
        "tenant": {"id": "org-bench", "name": "Benchmark Tenant", "partnerId": "partner-1"},
        "subscriptions": subs,
        "users": _users(users, subs, violations, rng),
        "partners": [{"id": "partner-1", "name": "Partner One", "accessLevel": "full-admin"}],
        "usage": usage,
        "overages": overages,
    }


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--users", type=int, default=1000)
    ap.add_argument("--subscriptions", type=int, default=50)
    ap.add_argument("--months", type=int, default=12)
    ap.add_argument("--violations", type=float, default=0.01, help="share of users mapped badly")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("-o", "--output", default="-")
    args = ap.parse_args(argv)
    doc = generate(args.users, args.subscriptions, args.months, args.violations, args.seed)
    text = json.dumps(doc, indent=2) + "\n"
    if args.output == "-":
        sys.stdout.write(text)
    else:
        with open(args.output, "w", encoding="utf-8") as fh:
            fh.write(text)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

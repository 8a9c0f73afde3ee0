"""JSON: the result of `check`, plus a `portfolio` section (schemas/report.schema.json).
It is also the part format that `report --merge` joins."""

from __future__ import annotations

import json
from typing import Any

from wxcc_policy.reporters.portfolio.aggregates import Aggregates, aggregate


def render(portfolio: dict[str, Any]) -> str:
    data = dict(portfolio)
    data["portfolio"] = {**portfolio["portfolio"], "aggregates": aggregates_json(aggregate(portfolio))}
    return json.dumps(data, indent=2, ensure_ascii=False) + "\n"


def aggregates_json(agg: Aggregates) -> dict[str, Any]:
    return {
        "tenants": {"checked": len(agg.tenants), **agg.statuses},
        "findings": agg.totals,
        "byPolicy": [{"policy": p.id, **p.counts, "tenants": len(p.tenants)} for p in agg.policies],
        "mostErrors": [{"tenant": t.tenant, "file": t.file, **t.counts} for t in agg.most_errors],
        "mostFailing": [{"policy": p.id, "tenants": len(p.tenants)} for p in agg.most_failing],
    }

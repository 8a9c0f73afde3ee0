"""JSON: the result of `check`, plus a `portfolio` section (schemas/report.schema.json).
It is also the part format that `report --merge` joins."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from wxcc_policy.reporters.json_layout import Streamed, indented_pieces
from wxcc_policy.reporters.portfolio.aggregates import Aggregates, Tenant, aggregate


def render(portfolio: dict[str, Any]) -> str:
    return "".join(chunks(portfolio))


def chunks(portfolio: dict[str, Any]) -> Iterator[str]:
    """The document in pieces: results and overviews one at a time (json_layout.py)."""
    data = {**portfolio, "results": Streamed(portfolio["results"])}
    info = portfolio["portfolio"]
    data["portfolio"] = {**info, "overviews": Streamed(info["overviews"]), "aggregates": aggregates_json(aggregate(portfolio))}
    yield from indented_pieces(data)
    yield "\n"


def aggregates_json(agg: Aggregates) -> dict[str, Any]:
    return {
        "tenants": {"checked": len(agg.tenants), **agg.statuses},
        "findings": agg.totals,
        "byPolicy": [{"policy": p.id, **p.counts, "tenants": len(p.tenants)} for p in agg.policies],
        "mostErrors": [{"tenant": t.tenant, "file": t.file, **t.counts, **_impact(t)} for t in agg.most_errors],
        "mostFailing": [{"policy": p.id, "tenants": len(p.tenants)} for p in agg.most_failing],
        "impact": [{"measure": m, "value": v, "tenants": agg.impact_tenants[m]} for m, v in agg.impact.items()],
        "impactByTenant": [{"tenant": t.tenant, "file": t.file, "impact": t.impact} for t in agg.tenants if t.impact],
    }


def _impact(t: Tenant) -> dict[str, Any]:
    return {"impact": t.impact} if t.impact else {}

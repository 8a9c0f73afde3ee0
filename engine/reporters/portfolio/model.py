"""The portfolio: the JSON result of `check`, plus what a report needs beyond it.

Everything a renderer shows is in this one JSON-shaped value, so that a report merged
from the JSON parts of several shards (evaluation/report_merge.py) is rendered exactly
like one made in a single run. What is taken from each document beyond its check is
evaluation/report_extras.py's.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from wxcc_policy.errors import UsageError
from wxcc_policy.evaluation.pipeline import CheckSettings
from wxcc_policy.evaluation.report_extras import in_date_order
from wxcc_policy.evaluation.results import RunResult
from wxcc_policy.evaluation.spool import LazyMap
from wxcc_policy.reporters import json_report
from wxcc_policy.rules.policy_set import PolicySet

PORTFOLIO_VERSION = "1"


def generated_at(environ: dict[str, str]) -> str:
    """SOURCE_DATE_EPOCH when set (reproducible builds: same inputs, same bytes), else now."""
    epoch = environ.get("SOURCE_DATE_EPOCH")
    if epoch is None:
        moment = dt.datetime.now(dt.timezone.utc)
    else:
        try:
            moment = dt.datetime.fromtimestamp(int(epoch), dt.timezone.utc)
        except (ValueError, OverflowError, OSError):
            raise UsageError(f"SOURCE_DATE_EPOCH={epoch!r} is not a number of seconds since 1970") from None
    return moment.replace(microsecond=0).isoformat().replace("+00:00", "Z")


def settings_of(settings: CheckSettings, horizon: int | None = None) -> dict[str, Any]:
    """The evaluation settings: two parts may be merged only when these are equal."""
    return {
        "asOf": settings.as_of,
        "horizon": horizon,
        "failOn": settings.fail_on,
        "policyIds": list(settings.policy_ids),
        "parameters": {pid: settings.parameters.get(pid, {}) for pid in settings.policy_ids},
    }


def catalog_of(policies: PolicySet, policy_ids: tuple[str, ...]) -> list[dict[str, Any]]:
    by_id = policies.by_id()
    return [
        {
            "id": pid,
            "title": by_id[pid].info.title,
            "severity": by_id[pid].info.severity,
            "rationale": " ".join(by_id[pid].info.rationale.split()),
            "remediation": " ".join(by_id[pid].info.remediation.split()),
            **_impact_of(by_id[pid]),
        }
        for pid in policy_ids
    ]


def _impact_of(policy: Any) -> dict[str, str]:
    """The measure a policy's findings are counted in, when it declares one."""
    return {"impact": policy.report.impact[0]} if policy.report.impact else {}


def build(
    run: RunResult,
    extras: Sequence[dict[str, Any] | None],
    policies: PolicySet,
    settings: CheckSettings,
    generated: str,
    shard: str | None = None,
    horizon: int | None = None,
) -> dict[str, Any]:
    """`extras` are the values of evaluation/report_extras.py per_file(), one per result (None for a file never read). The
    results and overviews stay where the run put them (on disk) and are turned into their
    JSON shape as a renderer reads them."""
    doc = json_report.as_dict(run, with_results=False)
    doc["results"] = LazyMap(run.results, json_report.file_dict)
    doc["portfolio"] = {
        "version": PORTFOLIO_VERSION,
        "generatedAt": generated,
        "settings": settings_of(settings, horizon),
        "shards": [shard] if shard else [],
        "policies": catalog_of(policies, settings.policy_ids),
        "overviews": LazyMap(extras, _overview),
        "comingUp": None if horizon is None else {"horizon": horizon, "events": _events(run, extras)},
    }
    return doc


def _overview(extra: dict[str, Any] | None) -> Any:
    return (extra or {}).get("overview")


def _events(run: RunResult, extras: Sequence[dict[str, Any] | None]) -> list[dict[str, Any]]:
    events = [
        {"file": r.file, "tenant": r.tenant, **event}
        for r, e in zip(run.results, extras, strict=True)
        for event in (e or {}).get("upcoming", [])
    ]
    return in_date_order(events, {r.file: i for i, r in enumerate(run.results)})

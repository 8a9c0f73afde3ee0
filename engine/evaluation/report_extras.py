"""What a portfolio report takes from each document beyond its check, while the document
is in memory (in a worker): its overview (a library value), and with a horizon, the
findings the coming days will bring. reporters/portfolio/ shows them."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from wxcc_policy.errors import EvalError, EvalFailure
from wxcc_policy.evaluation.pipeline import CheckSettings
from wxcc_policy.evaluation.results import FileResult
from wxcc_policy.inputs.documents import Document
from wxcc_policy.rules.policy_set import PolicySet

# The library value a report shows of each document, when the loaded libraries define it:
# {facts: {name: value}, title: string, rows: [{column: value}]} (docs/report.md). The
# engine knows only this shape; what is in it is data (policies/snapshot-library.yaml).
OVERVIEW_VALUE = "overview"


def per_file(horizon: int | None) -> Callable[[Document, FileResult, PolicySet, CheckSettings], dict[str, Any]]:
    """What the report takes from each document while it is in memory (in a worker): its
    overview, and with a horizon, the findings the coming days will bring."""

    def extra(document: Document, result: FileResult, policies: PolicySet, settings: CheckSettings) -> dict[str, Any]:
        upcoming = _upcoming(document, result, policies, settings, horizon) if horizon is not None else []
        return {"overview": overview_of(document, result, policies, settings), "upcoming": upcoming}

    return extra


def _upcoming(document: Document, result: FileResult, policies: PolicySet, settings: CheckSettings, horizon: int) -> list[dict[str, Any]]:
    if result.invalid:
        return []
    from wxcc_policy.evaluation.forecast import forecast_document  # only with --horizon

    forecast = forecast_document(document, settings._replace(as_of=result.as_of), policies, days=horizon)
    return [
        {
            "since": e.since,
            "until": e.until,
            "policy": e.finding.policy,
            "severity": e.finding.severity,
            "message": e.finding.message,
            "line": e.finding.line,
            "column": e.finding.column,
            "key": e.finding.key,
        }
        for e in forecast.upcoming
    ]


def overview_of(document: Document, result: FileResult, policies: PolicySet, settings: CheckSettings) -> Any:
    """The document's overview, computed while the document is in memory (in a worker)."""
    if result.invalid or OVERVIEW_VALUE not in policies.values:
        return None
    runtime = policies.runtime(document.data, settings.as_of, settings.limits)
    try:
        return _plain(runtime.value(OVERVIEW_VALUE))
    except (EvalError, EvalFailure):
        return None  # an overview is a courtesy: it never fails a report
    finally:
        runtime.release()  # break the runtime ↔ base cycle (lang/runtime.py)


def _plain(value: Any) -> Any:
    """A JSON value: sets as sorted lists, tuples as lists."""
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, (set, frozenset)):
        return sorted((_plain(v) for v in value), key=str)
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    return value


def in_date_order(events: list[dict[str, Any]], order: dict[str, int]) -> list[dict[str, Any]]:
    return sorted(events, key=lambda e: (e["since"], order.get(e["file"], 0), e["line"], e["column"], e["policy"]))

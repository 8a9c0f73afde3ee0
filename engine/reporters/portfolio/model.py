"""The portfolio: the JSON result of `check`, plus what a report needs beyond it.

Everything a renderer shows is in this one JSON-shaped value, so that a report merged
from the JSON parts of several shards is rendered exactly like one made in a single run.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any, overload

from wxcc_policy.errors import EvalError, EvalFailure, UsageError
from wxcc_policy.evaluation.pipeline import CheckSettings
from wxcc_policy.evaluation.results import FileResult, RunResult
from wxcc_policy.evaluation.spool import Spool
from wxcc_policy.inputs.read_files import note_read
from wxcc_policy.inputs.sources import Document
from wxcc_policy.reporters import json_report
from wxcc_policy.rules.policy_set import PolicySet
from wxcc_policy.validation.schemas import MAX_DEPTH, deeper_than

PORTFOLIO_VERSION = "1"
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
        runtime.base.clear()  # break the runtime ↔ base cycle (see pipeline.py)


def _plain(value: Any) -> Any:
    """A JSON value: sets as sorted lists, tuples as lists."""
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, (set, frozenset)):
        return sorted((_plain(v) for v in value), key=str)
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    return value


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
    """`extras` are per_file()'s values, one per result (None for a file never read). The
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
    return _in_date_order(events, {r.file: i for i, r in enumerate(run.results)})


class LazyMap(Sequence[Any]):
    """`fn` over `items`, applied as each is read: a view that holds nothing itself."""

    def __init__(self, items: Sequence[Any], fn: Callable[[Any], Any]) -> None:
        self._items, self._fn = items, fn

    def __len__(self) -> int:
        return len(self._items)

    @overload
    def __getitem__(self, index: int) -> Any: ...
    @overload
    def __getitem__(self, index: slice) -> Sequence[Any]: ...
    def __getitem__(self, index: int | slice) -> Any:
        if isinstance(index, slice):
            return [self._fn(item) for item in self._items[index]]
        return self._fn(self._items[index])

    def __iter__(self) -> Iterator[Any]:
        return map(self._fn, self._items)


def _in_date_order(events: list[dict[str, Any]], order: dict[str, int]) -> list[dict[str, Any]]:
    return sorted(events, key=lambda e: (e["since"], order.get(e["file"], 0), e["line"], e["column"], e["policy"]))


def read_part(path: str) -> dict[str, Any]:
    """A JSON report written by `report --format json` (one shard's part)."""
    note_read(Path(path))  # so that -o never overwrites a part (docs/hardening.md)
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except OSError as exc:
        raise UsageError(f"cannot read: {exc.strerror}", path) from None
    except (ValueError, UnicodeDecodeError) as exc:
        raise UsageError(f"not a JSON report: {exc}", path) from None
    if not isinstance(data, dict) or not isinstance(data.get("portfolio"), dict) or "results" not in data:
        raise UsageError("not a JSON report of `wxcc-policy report --format json` (no portfolio section)", path)
    deep = deeper_than(data, MAX_DEPTH)  # the renderers recurse: a hostile part must not exhaust the stack
    if deep is not None:
        where = deep if len(deep) <= 60 else deep[:60] + "…"
        raise UsageError(
            f"not a JSON report of `wxcc-policy report --format json`: nesting deeper than {MAX_DEPTH} levels at {where}", path
        )
    return data


class _Rows:
    """The parts' results and overviews as they are read, one part at a time: results and
    overviews go to disk; a file name and a sort key per file stay in memory."""

    def __init__(self) -> None:
        self.results: Spool[dict[str, Any]] = Spool()
        self.overviews: Spool[Any] = Spool()
        self.files: list[str] = []

    def add(self, part: dict[str, Any]) -> None:
        for result, overview in zip(part["results"], _overviews(part), strict=True):
            self.files.append(result["file"])
            self.results.append(result)
            self.overviews.append(overview)

    def in_path_order(self) -> list[int]:
        """Positions by path (as discovery orders a directory); a file in two parts is refused."""
        _no_repeats(self.files)
        return sorted(range(len(self.files)), key=lambda i: Path(self.files[i]).parts)


def merge(paths: list[str], generated: str) -> dict[str, Any]:
    """One portfolio from the JSON parts of several shards, read one at a time (memory
    holds one part, not the portfolio); refuses parts that were not evaluated alike
    (policy set, tool version, settings) or that repeat a file."""
    first: dict[str, Any] = {}
    rows, summaries, notices, shards, coming = _Rows(), [], [], set(), []
    mismatched: list[UsageError] = []  # every part is read before a mismatch is reported
    malformed: list[UsageError] = []
    for path in paths:
        part = read_part(path)
        try:
            if first:
                _same_run(paths[0], first, path, part)
            else:
                first = _header(part)
        except UsageError as exc:
            mismatched.append(exc)
        except (KeyError, TypeError, AttributeError, RecursionError) as exc:
            malformed.append(_malformed(exc, path))
        if mismatched or malformed:
            continue  # no need to keep what will not be merged
        try:
            rows.add(part)
            summaries.append(part["summary"])
            notices.append(part.get("notices"))
            shards.update(part["portfolio"].get("shards", []))
            coming.append(part["portfolio"].get("comingUp"))
        except UsageError as exc:
            mismatched.append(exc)
        except (KeyError, TypeError, AttributeError, RecursionError) as exc:
            malformed.append(_malformed(exc, path))
        del part  # the next part replaces it
    if mismatched or malformed:
        raise (mismatched or malformed)[0]
    order = rows.in_path_order()
    merged = {key: value for key, value in first.items() if key not in ("summary", "portfolio")}
    merged["results"] = LazyMap(order, rows.results.__getitem__)
    if any(n is not None for n in notices):
        merged["notices"] = _merged_notices([n for listed in notices for n in listed or []], merged["results"])
    merged["summary"] = _summed(summaries)
    merged["portfolio"] = {
        **first["portfolio"],
        "generatedAt": generated,
        "shards": sorted(shards),
        "overviews": LazyMap(order, rows.overviews.__getitem__),
        "comingUp": _merged_coming_up(coming, {rows.files[i]: n for n, i in enumerate(order)}),
    }
    merged["portfolio"].pop("aggregates", None)  # derived: recomputed by the renderers
    merged["portfolio"].pop("previous", None)  # a part's comparison is not the whole's
    return merged


def _malformed(exc: Exception, path: str) -> UsageError:
    if isinstance(exc, RecursionError):
        return UsageError("not a JSON report of `wxcc-policy report --format json`: a value is nested too deeply", path)
    return UsageError(f"not a JSON report of `wxcc-policy report --format json` (malformed: {exc!r})"[:300], path)


def _header(part: dict[str, Any]) -> dict[str, Any]:
    """A part without its per-file lists (the overviews' place, if any, kept for the key order)."""
    header = {key: value for key, value in part.items() if key not in ("results", "notices")}
    header["portfolio"] = {key: None if key == "overviews" else value for key, value in part["portfolio"].items()}
    return header


def _merged_notices(notices: list[dict[str, Any]], results: Sequence[dict[str, Any]]) -> list[dict[str, Any]]:
    """Each shard judged its waivers alone: one unused in a shard may have waived a finding
    in another (then it is not reported), and a notice every shard gave is kept once."""
    used = {f["waiver"].get("reference") for r in results for f in r.get("findings", []) if isinstance(f.get("waiver"), dict)}
    kept: dict[str, dict[str, Any]] = {}
    for notice in notices:
        if notice.get("kind") == "waiver-unused" and notice.get("where") in used:
            continue
        kept.setdefault(json.dumps(notice, sort_keys=True), notice)
    return list(kept.values())


def _merged_coming_up(sections: list[Any], order: dict[str, int]) -> dict[str, Any] | None:
    if sections[0] is None:
        return None
    events = [e for section in sections if section for e in section.get("events", [])]
    return {"horizon": sections[0]["horizon"], "events": _in_date_order(events, order)}


def _overviews(part: dict[str, Any]) -> list[Any]:
    overviews = part["portfolio"].get("overviews")
    return overviews if isinstance(overviews, list) and len(overviews) == len(part["results"]) else [None] * len(part["results"])


def _same_run(first_path: str, first: dict[str, Any], path: str, part: dict[str, Any]) -> None:
    checks = (
        ("policy set digest", lambda d: d.get("policySet", {}).get("digest")),
        ("tool version", lambda d: d.get("tool", {}).get("version")),
        ("evaluation settings (--as-of, --fail-on, policies, parameters)", lambda d: d["portfolio"].get("settings")),
    )
    for label, get in checks:
        if get(first) != get(part):
            raise UsageError(f"cannot merge: made with a different {label} than {first_path}", path)


def _no_repeats(files: list[str]) -> None:
    seen: set[str] = set()
    for name in files:
        if name in seen:
            raise UsageError(f"cannot merge: {name} is in more than one part (overlapping shards?)")
        seen.add(name)


def _summed(summaries: list[dict[str, Any]]) -> dict[str, Any]:
    """Counts add up; the run passed when every part did; the rest is the same in every part."""
    total: dict[str, Any] = {}
    for key, value in summaries[0].items():
        if key == "passed":
            total[key] = all(bool(s.get(key)) for s in summaries)
        elif isinstance(value, int) and not isinstance(value, bool):
            total[key] = sum(int(s.get(key, 0)) for s in summaries)
        else:
            total[key] = value
    return total

"""Forecast: the findings the calendar will bring, day by day up to a horizon.

The evaluation date is passed as a tracked date (lang/tracking.py); each evaluation
records the days on which one of its decisions would come out differently, and the next
evaluation is on the first of those days. Between two evaluations nothing that decides
a finding changes, so the result equals evaluating every day (`every_day=True`, the
brute force kept as the oracle of the tests) in far fewer evaluations.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Callable
from typing import Any, NamedTuple

from wxcc_policy.errors import EvalFailure, UsageError
from wxcc_policy.evaluation.evaluator import evaluate
from wxcc_policy.evaluation.locate import locate_pairs
from wxcc_policy.evaluation.pipeline import CheckSettings, check_document
from wxcc_policy.evaluation.raw_findings import RawFinding
from wxcc_policy.evaluation.results import FileResult, FileResults, Finding, RunResult
from wxcc_policy.inputs.discovery import discover
from wxcc_policy.inputs.documents import Document, ParseFailure, read_document
from wxcc_policy.lang.runtime import Runtime
from wxcc_policy.lang.tracking import Horizon, TrackingRuntime
from wxcc_policy.lang.values import render
from wxcc_policy.rules.model import Policy
from wxcc_policy.rules.policy_set import PolicySet


class ForecastEntry(NamedTuple):
    finding: Finding  # located in the snapshot, with its message on the day it appears
    since: str | None  # the first day it is present; None: present on the evaluation date
    until: str | None  # the first later day it is absent again; None: not within the horizon
    becomes: tuple[str, ...] = ()  # the policies whose findings about the same entity appear on `until`


def entity_of(finding: Finding) -> str:
    """What a finding is about: its key without the policy (`<subject>:<entity>`)."""
    return finding.key[len(finding.policy) + 1 :]


def linked(entries: tuple[ForecastEntry, ...]) -> tuple[ForecastEntry, ...]:
    """Each entry that goes away on the day findings of other policies about the same entity
    appear `becomes` them: a warning that turns into an error is one story, not "gone"."""
    appearing: dict[tuple[str, str], list[str]] = {}
    for e in entries:
        if e.since is not None:
            appearing.setdefault((entity_of(e.finding), e.since), []).append(e.finding.policy)
    out = []
    for e in entries:
        successors = appearing.get((entity_of(e.finding), e.until or ""), [])
        out.append(e._replace(becomes=tuple(p for p in successors if p != e.finding.policy)))
    return tuple(out)


class Forecast(NamedTuple):
    file: FileResult  # the check of the evaluation date (parse and schema errors included)
    until: str | None
    entries: tuple[ForecastEntry, ...] = ()
    evaluation_days: int = 0

    @property
    def upcoming(self) -> tuple[ForecastEntry, ...]:
        return tuple(e for e in self.entries if e.since is not None)


class ForecastRun(NamedTuple):
    """The forecasts of a run with its header (evaluation/run_header.py): what `forecast`
    reports; `single` when one snapshot file was named (its JSON is then that file's alone)."""

    tool: str
    version: str
    policy_digest: str
    policy_count: int
    forecasts: tuple[Forecast, ...]
    single: bool = True

    @property
    def exit_code(self) -> int:
        return 1 if any(fc.file.invalid for fc in self.forecasts) else 0


def horizon_end(as_of: str, until: str | None, days: int | None, where: str = "") -> str:
    """The last day of the horizon; `where` locates the evaluation date for the error."""
    start = dt.date.fromisoformat(as_of)
    end = dt.date.fromisoformat(until) if until else start + dt.timedelta(days=days or 0)
    if end < start:
        raise UsageError(f"--until {until} is before the evaluation date {as_of}", where)
    return end.isoformat()


def forecast_document(
    document: Document | ParseFailure,
    settings: CheckSettings,
    policies: PolicySet,
    until: str | None = None,
    days: int | None = None,
    every_day: bool = False,
) -> Forecast:
    """Forecast one snapshot from its evaluation date (settings.as_of or its own) to
    `until` (or `days` later). The policy set must be compiled after
    tracking (`load_policy_set(..., tracking=True)`)."""
    today = check_document(document, settings, policies)
    if today.invalid or not isinstance(document, Document) or today.as_of is None:
        return Forecast(today, None)
    end = horizon_end(today.as_of, until, days, _as_of_where(document, settings))
    calendar = _days(today.as_of, end)
    subject = today.tenant or ""
    run = _every_day if every_day else _critical_days
    seen, evaluations = run(document, settings, policies, calendar, subject)
    return Forecast(today, end, _entries(document, seen, calendar, subject), evaluations)


def forecast_paths(
    settings: CheckSettings, policies: PolicySet, until: str | None, days: int | None, every_day: bool = False
) -> tuple[Forecast, ...]:
    """A forecast of each snapshot in `settings.paths`, found as `check` finds them (files,
    directories, `-`), in that order; each from its own evaluation date unless --as-of."""
    return tuple(
        forecast_document(read_document(path, shown), settings, policies, until, days, every_day)
        for path, shown in discover(settings.paths)
    )


def one_file_named(paths: tuple[str, ...]) -> bool:
    """One snapshot file named (not a directory): the JSON is that file's forecast alone."""
    return len(paths) == 1 and not os.path.isdir(paths[0])


def load_tracking_policy_set(policy_dirs: Any = ()) -> PolicySet:
    from wxcc_policy.rules.policy_set import load_policy_set

    return load_policy_set(policy_dirs, tracking=True)


class _Seen(NamedTuple):
    first: dict[str, tuple[int, RawFinding]]  # key -> (day index of first presence, finding that day)
    gone: dict[str, int]  # key -> first later day index it is absent


Run = Callable[[Document, CheckSettings, PolicySet, list[str], str], tuple[_Seen, int]]


def _critical_days(
    document: Document, settings: CheckSettings, policies: PolicySet, calendar: list[str], subject: str
) -> tuple[_Seen, int]:
    """Each policy on its own days: the evaluation date, then the first day on which one of
    its recorded decisions changes, and so on. A fresh runtime per policy keeps the records
    of shared library values with every policy that uses them."""
    horizon = Horizon(calendar)
    seen = _Seen({}, {})
    days: set[int] = set()
    for policy in _forecast_policies(policies, settings, horizon, seen, subject):
        present: set[str] = set()
        day: int | None = 0
        while day is not None:
            days.add(day)
            runtime = policies.runtime(document.data, horizon.as_of(day), settings.limits, TrackingRuntime)
            present = _observe(seen, present, _evaluate([policy], runtime, settings, calendar[day]), day, subject)
            day = min((d for d in horizon.critical_days() if d > day), default=None)
    return seen, len(days)


def _every_day(document: Document, settings: CheckSettings, policies: PolicySet, calendar: list[str], subject: str) -> tuple[_Seen, int]:
    """The brute force: evaluate every single day (the oracle of the forecast's tests)."""
    chosen = [p for p in policies.policies if p.info.id in settings.policy_ids]
    seen = _Seen({}, {})
    present: set[str] = set()
    for day, date in enumerate(calendar):
        runtime = policies.runtime(document.data, date, settings.limits)
        present = _observe(seen, present, _evaluate(chosen, runtime, settings, date), day, subject)
    return seen, len(calendar)


def _observe(seen: _Seen, present: set[str], found: list[RawFinding], day: int, subject: str) -> set[str]:
    now: dict[str, RawFinding] = {}
    for raw in found:
        now.setdefault(f"{raw.policy.id}:{subject}:{raw.entity}", raw)
    for key, raw in now.items():
        if key not in seen.first:
            seen.first[key] = (day, raw)
    for key in present - now.keys():
        seen.gone.setdefault(key, day)
    return set(now)


def _evaluate(chosen: list[Policy], runtime: Runtime, settings: CheckSettings, date: str) -> list[RawFinding]:
    found: list[RawFinding] = []
    try:
        for policy in chosen:
            found.extend(evaluate(policy, runtime, settings.parameters[policy.info.id]))
    except EvalFailure as exc:
        raise UsageError(f"evaluating as of {date}: {exc.message}", exc.where) from None
    return found


def _forecast_policies(policies: PolicySet, settings: CheckSettings, horizon: Horizon, seen: _Seen, subject: str) -> list[Policy]:
    """The chosen policies, their reports changed in two ways that leave presence alone:

    - keys and fields are rendered in a mode where showing the date counts as depending
      on its every change (a key that names the month changes monthly);
    - the message (and the report's `let`s) is computed only for a key not seen on an
      earlier day: only the message of the first day is reported."""
    return [_forecast_policy(p, horizon, seen, subject) for p in policies.policies if p.info.id in settings.policy_ids]


def _forecast_policy(policy: Policy, horizon: Horizon, seen: _Seen, subject: str) -> Policy:
    report = policy.report
    prefix = f"{policy.info.id}:{subject}:"
    lets = report.lets
    let_names = frozenset(name for name, _ in lets)

    def with_lets(scope: dict[str, Any]) -> dict[str, Any]:
        if "@lets" not in scope:
            scope["@lets"] = True
            for name, fn in lets:
                scope[name] = fn(scope)
        return scope

    def key_mode(render_fn: Callable[[dict[str, Any]], str]) -> Callable[[dict[str, Any]], str]:
        def rendered(scope: dict[str, Any]) -> str:
            horizon.rendering_keys = True
            try:
                if not let_names.isdisjoint(scope):  # a let shadows a name: lets first
                    return render_fn(with_lets(scope))
                try:
                    return render_fn(scope)
                except EvalFailure:  # the template names a let
                    return render_fn(with_lets(scope))
            finally:
                horizon.rendering_keys = False

        return rendered

    key_once = key_mode(report.key)

    def key(scope: dict[str, Any]) -> str:  # rendered once per finding: by message(), then by the evaluator
        if "@key" not in scope:
            scope["@key"] = key_once(scope)
        return str(scope["@key"])

    def known(scope: dict[str, Any]) -> bool:
        return prefix + key(scope) in seen.first

    def message(scope: dict[str, Any]) -> str:
        return "" if known(scope) else report.message(with_lets(scope))

    field_once = key_mode(report.field) if report.field else None

    def field(scope: dict[str, Any]) -> str:  # only a first day's finding is located
        assert field_once is not None
        return "" if known(scope) else field_once(scope)

    chosen = field if report.field else None
    # A forecast's findings carry no fix: what to change is decided on the day it fires.
    return policy._replace(report=report._replace(lets=(), key=key, field=chosen, message=message, fix=None))


def _entries(document: Document, seen: _Seen, calendar: list[str], subject: str) -> tuple[ForecastEntry, ...]:
    raws = [raw for _, raw in seen.first.values()]
    located = {id(raw): finding for finding, raw in locate_pairs(document, raws, subject)}
    rows = []
    for key, (day, raw) in seen.first.items():
        finding = located[id(raw)]._replace(remedy=None)  # a forecast carries no fix (see _forecast_policies)
        gone = seen.gone.get(key)
        gone = gone if gone is not None and gone > day else None
        entry = ForecastEntry(finding, calendar[day] if day else None, calendar[gone] if gone is not None else None)
        rows.append(((day, finding.line, finding.column, finding.pointer, finding.policy, finding.message), entry))
    rows.sort(key=lambda row: row[0])
    return linked(tuple(entry for _, entry in rows))


def _days(start: str, end: str) -> list[str]:
    first, last = dt.date.fromisoformat(start), dt.date.fromisoformat(end)
    return [(first + dt.timedelta(days=i)).isoformat() for i in range((last - first).days + 1)]


def _as_of_where(document: Document, settings: CheckSettings) -> str:
    if settings.as_of is not None:
        return "--as-of"
    return document.path


def subject_of(policies: PolicySet, document: Document) -> str:
    runtime = policies.runtime(document.data, None)
    return render(policies.document.subject(runtime.base))


def with_horizon(run: RunResult, settings: CheckSettings, policies: PolicySet, days: int) -> RunResult:
    """`check --horizon DAYS`: each valid file's upcoming findings added as info (state
    "upcoming", which never fails a run), after that file's own findings."""
    paths = {shown: path for path, shown in discover(settings.paths)}
    results = FileResults()
    for result in run.results:
        path = paths.get(result.file)
        if result.invalid or path is None:
            results.append(result)
            continue
        fc = forecast_document(read_document(path, result.file), settings._replace(as_of=result.as_of), policies, days=days)
        results.append(result._replace(findings=result.findings + tuple(_as_info(e) for e in fc.upcoming)))
    return run._replace(results=results)


def _as_info(entry: ForecastEntry) -> Finding:
    """One severity per line: the finding's own is said in words after its message."""
    f = entry.finding
    return f._replace(
        severity="info", message=f"{f.message} (upcoming {f.severity} from {entry.since}{after(entry, ', ')})", state="upcoming"
    )


def after(entry: ForecastEntry, separator: str) -> str:
    """What becomes of a finding at the end of its run: another policy's finding about the
    same entity, or nothing."""
    if entry.becomes:
        return f"{separator}becomes {', '.join(entry.becomes)} on {entry.until}"
    return f"{separator}gone from {entry.until}" if entry.until else ""

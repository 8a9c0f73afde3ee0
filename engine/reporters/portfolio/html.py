"""HTML: one self-contained page (inline SVG charts, a little inline script, no request
to anywhere), rendered by Jinja2 with autoescaping: tenant data is untrusted."""

from __future__ import annotations

import base64
import hashlib
import json
from collections.abc import Iterator
from functools import cache
from importlib import resources
from typing import Any, NamedTuple

import jinja2
from markupsafe import Markup

from wxcc_policy.evaluation.results import SEVERITIES, SEVERITY_RANK
from wxcc_policy.reporters.portfolio.aggregates import Aggregates, aggregate, amount, fact_names, impact_text, overview_table

COLORS = {"error": "#b03a2e", "warning": "#b7791f", "info": "#1f5f99", "passing": "#1e7b45", "failing": "#b03a2e", "invalid": "#6c3483"}
CHART_WIDTH = 560
STATUS_WIDTH = 1120  # one bar across the page: three statuses need no tall chart
LABEL_WIDTH = 130
ROW_HEIGHT = 22
# What a page of 1,000 tenants shows before the reader asks for more (the rest is in
# collapsed <details>): a portfolio's page stays a few screens tall, not hundreds.
SHOWN_TENANTS = 20  # rows of the "failing tenants" table
DETAILED = 25  # tenant sections listed before "the other N"
SHOWN_EVENTS = 10  # coming-up rows before the full table
OPEN_UP_TO = 20  # a long table (inputs, waivers) starts collapsed beyond this many rows
SHOWN_CHANGES = 10  # newly failing / passing tenants named before "and N more"


class Segment(NamedTuple):
    name: str
    value: int
    x: float
    width: float
    color: str


class Bar(NamedTuple):
    label: str
    y: int
    segments: list[Segment]
    end: float
    total: int


class Chart(NamedTuple):
    id: str
    title: str
    description: str
    width: int
    height: int
    label_width: int
    bars: list[Bar]
    legend: list[dict[str, str]]
    legend_step: int = 90


def render(portfolio: dict[str, Any]) -> str:
    return "".join(chunks(portfolio))


def chunks(portfolio: dict[str, Any]) -> Iterator[str]:
    """The page in pieces as the template runs (Jinja2's generate): each tenant's section is
    written from its result read back then, so the page is never held whole."""
    agg = aggregate(portfolio)
    info = portfolio["portfolio"]
    style, script = _asset("report.css"), _asset("report.js")
    return _template().generate(
        p=portfolio,
        info=info,
        agg=agg,
        severities=SEVERITIES,
        rank=SEVERITY_RANK,
        charts=_charts(agg, info.get("comingUp"), info.get("previous")),
        parameters=_parameters(info["settings"]),
        as_of_text=info["settings"].get("asOf") or "each snapshot's own date (see Inputs)",
        coming_up=info.get("comingUp"),
        previous=info.get("previous"),
        shown_changes=SHOWN_CHANGES,
        fact_names=fact_names(agg.tenants),
        overview=overview_table,
        impact_text=impact_text,
        shown_tenants=SHOWN_TENANTS,
        detailed=DETAILED,
        shown_events=SHOWN_EVENTS,
        open_up_to=OPEN_UP_TO,
        style=Markup(style),  # our own files, not data: inserted as they are, and hashed for the CSP
        script=Markup(script),
        style_hash=_csp_hash(style),
        script_hash=_csp_hash(script),
    )


@cache
def _template() -> jinja2.Template:
    env = jinja2.Environment(
        loader=jinja2.PackageLoader("wxcc_policy.reporters.portfolio", "templates"),
        autoescape=True,  # every value is escaped unless marked safe; tenant data never is
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters["num"] = number
    env.filters["amount"] = amount
    env.filters["basename"] = basename
    env.filters["plural"] = plural
    return env.get_template("report.html.j2")


def number(n: int) -> str:
    """1,000: thousands grouped the same on every machine (no locale)."""
    return f"{n:,}"


def basename(path: str) -> str:
    """A file's last name: a tenant's section names its full path once, above its findings."""
    return path.replace("\\", "/").rsplit("/", 1)[-1]


def plural(n: int, word: str, many: str | None = None) -> str:
    """`1 tenant`, `1,000 tenants`."""
    return f"{n:,} {word if n == 1 else many or word + 's'}"


@cache
def _asset(name: str) -> str:
    return resources.files("wxcc_policy.reporters.portfolio").joinpath("templates").joinpath(name).read_text(encoding="utf-8")


def _csp_hash(text: str) -> str:
    """The Content-Security-Policy source that allows exactly this inline element: any
    script that got into the page some other way would not run."""
    return "sha256-" + base64.b64encode(hashlib.sha256(text.encode("utf-8")).digest()).decode("ascii")


def _parameters(settings: dict[str, Any]) -> list[tuple[str, str, str]]:
    return [
        (pid, name, json.dumps(value, ensure_ascii=False, sort_keys=True))
        for pid, params in settings.get("parameters", {}).items()
        for name, value in params.items()
    ]


def _bars(rows: list[tuple[str, dict[str, int]]]) -> tuple[list[Bar], int]:
    biggest = max((sum(counts.values()) for _, counts in rows), default=0) or 1
    scale = (CHART_WIDTH - LABEL_WIDTH - 50) / biggest
    bars = []
    for i, (label, counts) in enumerate(rows):
        x = float(LABEL_WIDTH)
        segments = []
        for name, value in counts.items():
            if value:
                segments.append(Segment(name, value, round(x, 1), round(max(value * scale, 1.0), 1), COLORS[name]))
                x += max(value * scale, 1.0)
        bars.append(Bar(label, 8 + i * ROW_HEIGHT, segments, round(x, 1), sum(counts.values())))
    return bars, 8 + len(rows) * ROW_HEIGHT + 28


def _charts(agg: Aggregates, coming_up: Any, previous: Any) -> list[Chart]:
    charts = [_status_chart(agg)]
    if agg.active_policies:
        charts.append(_findings_chart(agg))
    if previous and len(previous["reports"]) > 1:
        charts.append(_trend_chart(previous["trend"]))
    if coming_up and coming_up.get("events"):
        charts.append(_upcoming_chart(coming_up["events"]))
    return charts


def _upcoming_chart(events: list[dict[str, Any]]) -> Chart:
    """Upcoming findings per month in which they appear, by severity."""
    months: dict[str, dict[str, int]] = {}
    for e in events:
        months.setdefault(e["since"][:7], dict.fromkeys(SEVERITIES, 0))[e["severity"]] += 1
    rows = sorted(months.items())
    bars, height = _bars(rows)
    described = "; ".join(f"{m}: " + ", ".join(f"{c[s]} {s}" for s in SEVERITIES) for m, c in rows)
    legend = [{"name": s, "color": COLORS[s]} for s in SEVERITIES]
    described = f"Bar chart of the findings the coming days will bring, by month. {described}."
    return Chart("chart-upcoming", "Upcoming findings by month", described, CHART_WIDTH, height, LABEL_WIDTH, bars, legend)


def _trend_chart(trend: list[dict[str, Any]]) -> Chart:
    """Tenants by status in each report, by run time (this one among them)."""
    statuses = ("passing", "failing", "invalid")
    rows = [(_when(point["generatedAt"]), {s: point["tenants"][s] for s in statuses}) for point in trend]
    bars, height = _bars(rows)
    described = "; ".join(f"{label}: " + ", ".join(f"{n} {s}" for s, n in counts.items()) for label, counts in rows)
    legend = [{"name": s, "color": COLORS[s]} for s in statuses]
    description = f"Bar chart of tenants by status in each report, oldest first. {described}."
    return Chart("chart-trend", "Tenants by status, report by report", description, CHART_WIDTH, height, LABEL_WIDTH, bars, legend)


def _when(stamp: str) -> str:
    """2026-11-18T11:06:40Z → 2026-11-18 11:06 (a chart label)."""
    return stamp[:16].replace("T", " ")


def _findings_chart(agg: Aggregates) -> Chart:
    """Only the policies with findings: the others are named under the matrix."""
    active = agg.active_policies
    bars, height = _bars([(p.id, dict(p.counts)) for p in active])
    described = "; ".join(f"{p.id}: " + ", ".join(f"{p.counts[s]} {s}" for s in SEVERITIES) for p in active)
    legend = [{"name": s, "color": COLORS[s]} for s in SEVERITIES]
    return Chart("chart-findings", "Findings by policy", f"Bar chart of findings by policy and severity. {described}.",
                 CHART_WIDTH, height, LABEL_WIDTH, bars, legend)  # fmt: skip


def _status_chart(agg: Aggregates) -> Chart:
    """One bar, its segments the statuses: as wide as the page, a row tall."""
    total = sum(agg.statuses.values()) or 1
    scale = (STATUS_WIDTH - LABEL_WIDTH - 60) / total
    x, segments = float(LABEL_WIDTH), []
    for status, n in agg.statuses.items():
        if n:
            segments.append(Segment(status, n, round(x, 1), round(max(n * scale, 1.0), 1), COLORS[status]))
            x += max(n * scale, 1.0)
    bar = Bar("tenants", 8, segments, round(x, 1), sum(agg.statuses.values()))
    described = ", ".join(f"{n} {status}" for status, n in agg.statuses.items())
    legend = [{"name": f"{status} {n:,}", "color": COLORS[status]} for status, n in agg.statuses.items()]
    return Chart("chart-status", "Tenants by status", f"Bar chart of tenants by status: {described}.",
                 STATUS_WIDTH, 8 + ROW_HEIGHT + 28, LABEL_WIDTH, [bar], legend, 150)  # fmt: skip

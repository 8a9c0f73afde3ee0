"""What a portfolio adds up to: per tenant, per policy, the summary tables and charts' data.

Computed from the JSON-shaped portfolio (model.py) alone, so a merged report and a
report of one run add up alike.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator, Sequence
from typing import Any, NamedTuple

from wxcc_policy.evaluation.history import status_of, tenant_of
from wxcc_policy.evaluation.results import SEVERITIES

TOP = 10  # rows in the "most errors" and "failing in most tenants" tables
STATUSES = ("passing", "failing", "invalid")
ATTENTION_ORDER = {"failing": 0, "invalid": 1}  # tenants shown first, in this order


class Tenant(NamedTuple):
    """A tenant's line in the report: small, so that thousands stay in memory; its result
    and overview are read back when its section is written (`sections`)."""

    number: int  # position in the report, for anchors (#tenant-3)
    file: str
    tenant: str  # the subject (tenant id), or the file name when the file is invalid
    status: str  # passing | failing | invalid
    counts: dict[str, int]  # not-waived findings per severity
    waived: int
    tenant_id: str | None
    as_of: str | None
    digest: str
    facts: dict[str, str]  # the overview's facts, as text
    impact: dict[str, int | float]  # per measure, summed over its findings (not waived)


class PolicyRow(NamedTuple):
    id: str
    title: str
    severity: str
    rationale: str
    remediation: str
    counts: dict[str, int]
    tenants: list[Tenant]  # the tenants with a finding of it (not waived)
    worst: list[tuple[Tenant, int]]  # the TOP tenants with the most findings of it, and how many
    impact: str | None  # the measure its findings are counted in


class Aggregates(NamedTuple):
    tenants: list[Tenant]
    policies: list[PolicyRow]
    statuses: dict[str, int]
    totals: dict[str, int]  # findings per severity, not waived
    most_errors: list[Tenant]
    most_failing: list[PolicyRow]
    waived: list[tuple[Tenant, dict[str, Any]]]  # each waived finding and its tenant
    results: Sequence[dict[str, Any]]  # the portfolio's, in tenant order (possibly read from disk)
    overviews: Sequence[Any]
    attention: list[Tenant]  # failing (most errors first), then invalid
    passing: list[Tenant]
    policy_names: dict[int, list[str]]  # by tenant number: the policies it has findings of
    impact: dict[str, int | float]  # per measure (in the catalog's order), over every tenant
    impact_tenants: dict[str, int]  # per measure, how many tenants it touches

    def sections(self) -> Iterator[tuple[Tenant, dict[str, Any], Any]]:
        """Each tenant with its result and overview, read in one pass."""
        return zip(self.tenants, self.results, self.overviews, strict=True)

    def detail(self, tenant: Tenant) -> tuple[dict[str, Any], Any]:
        """A tenant's result and overview, read back (from disk) when its section is written."""
        return self.results[tenant.number - 1], self.overviews[tenant.number - 1]

    def result_of(self, tenant: Tenant) -> dict[str, Any]:
        return self.results[tenant.number - 1]

    @property
    def active_policies(self) -> list[PolicyRow]:
        """The policies with a finding (not waived): the others are only named."""
        return [p for p in self.policies if any(p.counts.values())]

    @property
    def quiet_policies(self) -> list[PolicyRow]:
        return [p for p in self.policies if not any(p.counts.values())]


def aggregate(portfolio: dict[str, Any]) -> Aggregates:
    """One pass over the results (they may be on disk: a portfolio has many tenants)."""
    fail_on = portfolio["summary"].get("failOn") or "error"
    results = portfolio["results"]
    overviews = portfolio["portfolio"].get("overviews") or [None] * len(results)
    catalog = portfolio["portfolio"].get("policies", [])
    counts: dict[str, dict[str, int]] = {p["id"]: dict.fromkeys(SEVERITIES, 0) for p in catalog}
    failing: dict[str, list[tuple[Tenant, int]]] = {p["id"]: [] for p in catalog}
    tenants: list[Tenant] = []
    waived: list[tuple[Tenant, dict[str, Any]]] = []
    names: dict[int, list[str]] = {}
    for number, (result, overview) in enumerate(zip(results, overviews, strict=True), start=1):
        t = _tenant(number, result, overview, fail_on)
        tenants.append(t)
        findings = result.get("findings", [])
        waived.extend((t, f) for f in findings if f.get("waived"))
        names[number] = _count_policies(t, findings, counts, failing)
    policies = [_policy_row(p, counts[p["id"]], failing[p["id"]]) for p in catalog]
    totals = dict.fromkeys(SEVERITIES, 0)
    for t in tenants:
        for severity, n in t.counts.items():
            totals[severity] += n
    statuses = Counter(t.status for t in tenants)
    most_errors = sorted((t for t in tenants if t.counts["error"]), key=lambda t: (-t.counts["error"], -t.counts["warning"], t.number))
    most_failing = sorted((p for p in policies if p.tenants), key=lambda p: (-len(p.tenants), p.id))
    attention = sorted((t for t in tenants if t.status != "passing"), key=_worst_first)
    impact, touched = impact_totals(tenants, catalog)
    return Aggregates(
        tenants,
        policies,
        {s: statuses[s] for s in STATUSES},
        totals,
        most_errors[:TOP],
        most_failing[:TOP],
        waived,
        results,
        overviews,
        attention,
        [t for t in tenants if t.status == "passing"],
        names,
        impact,
        touched,
    )


def impact_totals(tenants: list[Tenant], catalog: list[dict[str, Any]]) -> tuple[dict[str, int | float], dict[str, int]]:
    """Each measure summed over the tenants, and how many tenants it touches; measures in
    the order the catalog's policies declare them (then by name, for any other)."""
    order = {m: i for i, m in enumerate(dict.fromkeys(p["impact"] for p in catalog if p.get("impact")))}
    totals: dict[str, int | float] = {}
    touched: Counter[str] = Counter()
    for t in tenants:
        for measure, value in t.impact.items():
            totals[measure] = totals.get(measure, 0) + value
            touched[measure] += 1
    ordered = sorted(totals, key=lambda m: (order.get(m, len(order)), m))
    return {m: totals[m] for m in ordered}, {m: touched[m] for m in ordered}


def impact_text(impact: dict[str, int | float]) -> str:
    """`3 things lost, 12 units over`: each measure with its value, in order."""
    return ", ".join(f"{amount(v)} {m}" for m, v in impact.items())


def amount(value: int | float) -> str:
    """A measure's value as text: grouped thousands, at most two decimals."""
    if isinstance(value, int) or float(value).is_integer():
        return f"{int(value):,}"
    return f"{value:,.2f}".rstrip("0").rstrip(".")


def _worst_first(t: Tenant) -> tuple[int, int, int, int, int]:
    return (ATTENTION_ORDER[t.status], -t.counts["error"], -t.counts["warning"], -t.counts["info"], t.number)


def _policy_row(p: dict[str, Any], counts: dict[str, int], failing: list[tuple[Tenant, int]]) -> PolicyRow:
    worst = sorted(failing, key=lambda pair: (-pair[1], pair[0].number))[:TOP]
    tenants = [t for t, _ in failing]
    return PolicyRow(p["id"], p["title"], p["severity"], p["rationale"], p["remediation"], counts, tenants, worst, p.get("impact"))


def _tenant(number: int, result: dict[str, Any], overview: Any, fail_on: str) -> Tenant:
    counts = dict.fromkeys(SEVERITIES, 0)
    impact: dict[str, int | float] = {}
    waived = 0
    for f in result.get("findings", []):
        if f.get("waived"):
            waived += 1
            continue
        counts[f["severity"]] += 1
        if f.get("impact"):
            impact[f["impact"]["measure"]] = impact.get(f["impact"]["measure"], 0) + f["impact"]["value"]
    return Tenant(
        number,
        result["file"],
        tenant_of(result),
        status_of(result, fail_on),  # as a comparison with an earlier report judges it
        counts,
        waived,
        result.get("tenant"),
        result.get("asOf"),
        result.get("digest", ""),
        facts_of(overview),
        impact,
    )


def _count_policies(
    t: Tenant, findings: list[dict[str, Any]], counts: dict[str, dict[str, int]], failing: dict[str, list[tuple[Tenant, int]]]
) -> list[str]:
    """Adds the tenant's findings to each policy's counts; returns the policies it has findings of."""
    mine: Counter[str] = Counter()
    for f in findings:
        if f.get("waived") or f["policy"] not in counts:
            continue
        counts[f["policy"]][f["severity"]] += 1
        mine[f["policy"]] += 1
    for policy, n in mine.items():
        failing[policy].append((t, n))
    return list(mine)


def overview_table(overview: Any) -> tuple[str, list[str], list[list[str]]] | None:
    """The overview's table as title, column headers and cells (text), when it has one."""
    if not isinstance(overview, dict) or not isinstance(overview.get("rows"), list):
        return None
    rows = [r for r in overview["rows"] if isinstance(r, dict)]
    columns: list[str] = []
    for row in rows:
        columns.extend(k for k in row if k not in columns)
    cells = [[cell_text(row.get(c)) for c in columns] for row in rows]
    return str(overview.get("title") or "Overview"), columns, cells


def facts_of(overview: Any) -> dict[str, str]:
    facts = overview.get("facts") if isinstance(overview, dict) else None
    return {str(k): cell_text(v) for k, v in facts.items()} if isinstance(facts, dict) else {}


def fact_names(tenants: list[Tenant]) -> list[str]:
    names: list[str] = []
    for t in tenants:
        names.extend(k for k in t.facts if k not in names)
    return names


def cell_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, list):
        return ", ".join(cell_text(v) for v in value)
    return str(value)


def location(result: dict[str, Any], finding: dict[str, Any]) -> str:
    return f"{result['file']}:{finding['line']}:{finding['column']}"

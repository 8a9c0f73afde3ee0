"""Markdown: the summary and one section per policy, for a wiki or a CI job summary."""

from __future__ import annotations

import re
from collections.abc import Iterator
from itertools import islice
from typing import Any

from wxcc_policy.evaluation.results import SEVERITIES
from wxcc_policy.reporters.portfolio.aggregates import Aggregates, PolicyRow, Tenant, aggregate, amount, impact_text, location

# Tenant data is untrusted: table cells must not close the table, open HTML or links.
_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+!|~>])")
LISTED = 50  # findings and tenants listed per policy; the JSON, CSV and HTML reports have them all


def cell(value: Any) -> str:
    text = " ".join(str(value).split())
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return _SPECIAL.sub(r"\\\1", text)


def render(portfolio: dict[str, Any]) -> str:
    agg = aggregate(portfolio)
    info = portfolio["portfolio"]
    lines = ["# Portfolio report", ""]
    lines += [f"Generated {info['generatedAt']} by {portfolio['tool']['name']} {portfolio['tool']['version']}; "
              f"policy set `{portfolio['policySet']['digest']}`.", ""]  # fmt: skip
    lines += _summary(agg)
    lines += _impact(agg)
    lines += _changes(info.get("previous"))
    lines += _matrix(agg)
    lines += _most(agg)
    lines += ["## Policies", ""]
    for policy in agg.policies:
        lines += _policy(policy, agg)
    return "\n".join(lines).rstrip("\n") + "\n"


def _summary(agg: Aggregates) -> list[str]:
    s = agg.statuses
    return [
        "## Summary",
        "",
        "| tenants checked | failing | invalid | passing | errors | warnings | info |",
        "|---:|---:|---:|---:|---:|---:|---:|",
        f"| {len(agg.tenants)} | {s['failing']} | {s['invalid']} | {s['passing']} | "
        f"{agg.totals['error']} | {agg.totals['warning']} | {agg.totals['info']} |",
        "",
    ]


def _impact(agg: Aggregates) -> list[str]:
    """Each measure the policies declare, summed; a table only when some finding has one."""
    if not agg.impact:
        return []
    lines = ["### Impact", "", "| measure | total | tenants |", "|---|---:|---:|"]
    lines += [f"| {cell(m)} | {amount(v)} | {agg.impact_tenants[m]} |" for m, v in agg.impact.items()]
    return [*lines, ""]


def _changes(previous: dict[str, Any] | None) -> list[str]:
    """Since the previous report (--previous): tenants that moved, findings new and resolved."""
    if not previous:
        return []
    latest = previous["reports"][-1]
    lines = ["### Since the previous report", "", f"Compared with {cell(previous['against'])}, made on {latest['generatedAt']}."]
    for r in previous["reports"]:
        if r["differences"]:
            lines += ["", f"**Not strictly comparable:** {cell(r['file'])} was made with {cell('; '.join(r['differences']))}."]
    lines += [
        "",
        "| newly failing | newly passing | new findings | resolved findings | tenants added | tenants removed |",
        "|---:|---:|---:|---:|---:|---:|",
    ]
    lines.append(f"| {len(previous['newlyFailing'])} | {len(previous['newlyPassing'])} | {previous['findings']['new']} | "
                 f"{previous['findings']['resolved']} | {previous['addedTenants']} | {previous['removedTenants']} |")  # fmt: skip
    for key, label in (("newlyFailing", "Newly failing"), ("newlyPassing", "Newly passing")):
        if previous[key]:
            names = ", ".join(cell(row["tenant"]) for row in previous[key][:LISTED])
            more = f" and {len(previous[key]) - LISTED} more" if len(previous[key]) > LISTED else ""
            lines += ["", f"{label}: {names}{more}."]
    if previous["byPolicy"]:
        lines += ["", "| policy | new | resolved |", "|---|---:|---:|"]
        lines += [f"| {row['policy']} | {row['new']} | {row['resolved']} |" for row in previous["byPolicy"]]
    if len(previous["reports"]) > 1:
        lines += ["", "| generated | report | tenants | failing | invalid | errors | warnings |", "|---|---|---:|---:|---:|---:|---:|"]
        lines += [_trend_row(point) for point in previous["trend"]]
    return [*lines, ""]


def _trend_row(point: dict[str, Any]) -> str:
    tenants, findings = point["tenants"], point["findings"]
    report = cell(point["file"] or "this report")
    return (
        f"| {point['generatedAt']} | {report} | {tenants['checked']} | {tenants['failing']} | {tenants['invalid']} | "
        f"{findings['error']} | {findings['warning']} |"
    )


def _matrix(agg: Aggregates) -> list[str]:
    lines = ["### Findings by policy and severity", "", "| policy | title | " + " | ".join(SEVERITIES) + " | tenants |"]
    lines.append("|---|---|" + "---:|" * (len(SEVERITIES) + 1))
    for p in agg.policies:
        counts = " | ".join(str(p.counts[s]) for s in SEVERITIES)
        lines.append(f"| [{p.id}](#{p.id.lower()}) | {cell(p.title)} | {counts} | {len(p.tenants)} |")
    return [*lines, ""]


def _most(agg: Aggregates) -> list[str]:
    lines = ["### Tenants with the most errors", ""]
    if agg.most_errors:
        lines += ["| tenant | file | errors | warnings | impact |", "|---|---|---:|---:|---|"]
        lines += [
            f"| {cell(t.tenant)} | {cell(t.file)} | {t.counts['error']} | {t.counts['warning']} | {cell(impact_text(t.impact))} |"
            for t in agg.most_errors
        ]
    else:
        lines.append("No tenant has an error.")
    lines += ["", "### Policies failing in the most tenants", ""]
    if agg.most_failing:
        lines += ["| policy | title | tenants |", "|---|---|---:|"]
        lines += [f"| {p.id} | {cell(p.title)} | {len(p.tenants)} |" for p in agg.most_failing]
    else:
        lines.append("No policy has a finding.")
    return [*lines, ""]


def _policy(p: PolicyRow, agg: Aggregates) -> list[str]:
    lines = [f"### {p.id}", "", f"**{cell(p.title)}** ({p.severity})", "", f"*Rationale:* {cell(p.rationale)}", ""]
    lines += [f"*Remediation:* {cell(p.remediation)}", ""]
    if not p.tenants:
        return [*lines, "No tenant fails this policy.", ""]
    names = ", ".join(cell(t.tenant) for t in p.tenants[:LISTED])
    more = f" and {len(p.tenants) - LISTED} more" if len(p.tenants) > LISTED else ""
    lines += [f"Failing in {len(p.tenants)} tenant(s): {names}{more}.", ""]
    lines += ["| tenant | location | message |", "|---|---|---|"]
    lines += [f"| {cell(t.tenant)} | {cell(location(r, f))} | {cell(f['message'])} |" for t, r, f in islice(_findings_of(p, agg), LISTED)]
    total = sum(p.counts.values())
    if total > LISTED:
        lines.append(f"\n… and {total - LISTED} more findings (see the HTML, CSV or JSON report).")
    return [*lines, ""]


def _findings_of(p: PolicyRow, agg: Aggregates) -> Iterator[tuple[Tenant, dict[str, Any], dict[str, Any]]]:
    """The policy's findings, not waived, tenant by tenant: read back only as far as listed."""
    for t in p.tenants:
        result = agg.result_of(t)
        yield from ((t, result, f) for f in result["findings"] if f["policy"] == p.id and not f.get("waived"))

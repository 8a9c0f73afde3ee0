"""Compared with earlier audits (`report --previous OLD.json`): which tenants newly fail
or pass, which findings are new or resolved (by key, as baselines match), and the trend
over several earlier reports, ordered by each report's run time.

An earlier report is read once and reduced to what the comparison needs (each tenant's
status, each finding's key and policy), so several of them cost little memory. A report
made with another policy set, tool version or evaluation settings is still compared,
and the difference is stated beside the comparison.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from typing import Any, NamedTuple

from wxcc_policy.errors import UsageError
from wxcc_policy.evaluation.report_merge import read_part
from wxcc_policy.evaluation.results import NOT_FAILING_STATES, SEVERITIES, SEVERITY_RANK

NOT_A_REPORT = "not a JSON report of `wxcc-policy report --format json`"


class Previous(NamedTuple):
    """An earlier report, reduced to what a comparison needs."""

    path: str
    generated: str
    tool_version: str
    digest: str
    settings: Any
    statuses: dict[str, tuple[str, str]]  # tenant (its id, else its file) → (status, file)
    findings: dict[str, tuple[str, str]]  # key → (policy, tenant), findings not waived
    counts: dict[str, int]  # findings not waived, per severity


def status_of(result: dict[str, Any], fail_on: str) -> str:
    """passing | failing | invalid, as the report counts a tenant (docs/report.md)."""
    if result.get("parseError") or result.get("schemaErrors") or result.get("evalError"):
        return "invalid"
    threshold = SEVERITY_RANK[fail_on or "error"]
    for f in result.get("findings", []):
        if not f.get("waived") and f.get("state") not in NOT_FAILING_STATES and SEVERITY_RANK[f["severity"]] >= threshold:
            return "failing"
    return "passing"


def tenant_of(result: dict[str, Any]) -> str:
    return str(result.get("tenant") or result["file"])


def read_previous(path: str) -> Previous:
    """An earlier `report --format json`, read and checked as a `--merge` part is (nesting
    before decoding, the report's schema, errors at file:line:column)."""
    data, problem = read_part(path)
    if problem is not None:
        raise problem
    try:
        return _reduced(path, data)
    except (KeyError, TypeError, AttributeError, ValueError):
        raise UsageError(f"{NOT_A_REPORT}: a field is missing or has the wrong type", f"{path}:1:1") from None


def _reduced(path: str, data: dict[str, Any]) -> Previous:
    info = data["portfolio"]
    fail_on = data["summary"].get("failOn") or "error"
    statuses: dict[str, tuple[str, str]] = {}
    findings: dict[str, tuple[str, str]] = {}
    counts = dict.fromkeys(SEVERITIES, 0)
    for result in data["results"]:
        tenant = tenant_of(result)
        statuses[tenant] = (status_of(result, fail_on), str(result["file"]))
        for f in result.get("findings", []):
            if not f.get("waived"):
                findings[str(f["key"])] = (str(f["policy"]), tenant)
                counts[f["severity"]] += 1
    return Previous(
        path, str(info["generatedAt"]), str(data["tool"]["version"]), str(data["policySet"]["digest"]), info.get("settings"),
        statuses, findings, counts,
    )  # fmt: skip


def compare(portfolio: dict[str, Any], previous: list[Previous]) -> dict[str, Any]:
    """The `previous` section of a report: the comparison with the latest earlier report,
    and the trend over all of them and this one, by run time."""
    now = _reduced("", portfolio)  # the current report, reduced alike (one pass over its results)
    ordered = sorted(previous, key=lambda p: (p.generated, p.path))
    policies = [p["id"] for p in portfolio["portfolio"].get("policies", [])]
    return {
        "reports": [_report_row(p, now) for p in ordered],
        "against": ordered[-1].path,
        **_changes(ordered[-1], now, policies),
        "trend": [_point(p) for p in sorted([*ordered, now], key=lambda p: (p.generated, p.path))],
    }


def _report_row(p: Previous, now: Previous) -> dict[str, Any]:
    return {
        "file": p.path,
        "generatedAt": p.generated,
        "toolVersion": p.tool_version,
        "policySet": p.digest,
        "differences": differences(p, now),
    }


def differences(p: Previous, now: Previous) -> list[str]:
    """What makes an earlier report not strictly comparable, in words (empty: nothing)."""
    out = []
    if p.digest != now.digest:
        out.append(f"another policy set ({p.digest}; this report: {now.digest})")
    if p.tool_version != now.tool_version:
        out.append(f"another tool version ({p.tool_version}; this report: {now.tool_version})")
    if p.settings != now.settings:
        out.append("other evaluation settings (--as-of, --fail-on, --horizon, the policies run or their parameters)")
    return out


def _point(p: Previous) -> dict[str, Any]:
    """One report in the trend (`file` null: this one)."""
    by_status = Counter(status for status, _ in p.statuses.values())
    tenants = {"checked": len(p.statuses), **{s: by_status[s] for s in ("passing", "failing", "invalid")}}
    return {"generatedAt": p.generated, "file": p.path or None, "tenants": tenants, "findings": dict(p.counts)}


def _changes(p: Previous, now: Previous, policies: list[str]) -> dict[str, Any]:
    both = p.statuses.keys() & now.statuses.keys()
    new = [k for k, (_, tenant) in now.findings.items() if tenant in both and k not in p.findings]
    resolved = [k for k, (_, tenant) in p.findings.items() if tenant in both and k not in now.findings]
    return {
        "differences": differences(p, now),
        "newlyFailing": _moved(now, p, both, "failing"),
        "newlyPassing": _moved(now, p, both, "passing"),
        "addedTenants": len(now.statuses.keys() - p.statuses.keys()),
        "removedTenants": len(p.statuses.keys() - now.statuses.keys()),
        "findings": {"new": len(new), "resolved": len(resolved)},
        "byPolicy": _by_policy(new, resolved, now, p, policies),
        "newFindings": sorted(new),
        "resolvedFindings": [_gone(k, p) for k in sorted(resolved)],
    }


def _moved(now: Previous, p: Previous, both: Iterable[str], status: str) -> list[dict[str, str]]:
    """Tenants in both reports whose status became `status` (from any other)."""
    moved = [t for t in both if now.statuses[t][0] == status and p.statuses[t][0] != status]
    return [{"tenant": t, "file": now.statuses[t][1], "was": p.statuses[t][0]} for t in sorted(moved, key=lambda t: now.statuses[t][1])]


def _by_policy(new: list[str], resolved: list[str], now: Previous, p: Previous, policies: list[str]) -> list[dict[str, Any]]:
    added = Counter(now.findings[k][0] for k in new)
    gone = Counter(p.findings[k][0] for k in resolved)
    order = {pid: i for i, pid in enumerate(policies)}
    named = sorted(added.keys() | gone.keys(), key=lambda pid: (order.get(pid, len(order)), pid))
    return [{"policy": pid, "new": added[pid], "resolved": gone[pid]} for pid in named]


def _gone(key: str, p: Previous) -> dict[str, str]:
    policy, tenant = p.findings[key]
    return {"key": key, "policy": policy, "tenant": tenant, "file": p.statuses[tenant][1]}

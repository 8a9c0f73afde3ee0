"""CSV: one row per finding (RFC 4180), for spreadsheets; formulas neutralised."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from typing import Any

HEADER = (
    "tenant",
    "file",
    "line",
    "column",
    "policy",
    "severity",
    "message",
    "key",
    "waived",
    "impact_measure",
    "impact_value",
    "since_previous",
)
# A cell a spreadsheet would run as a formula (CWE-1236): OWASP's advice is to prefix it
# with a single quote, which shows it as text. Tab and carriage return start formulas too.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def render(portfolio: dict[str, Any]) -> str:
    return "".join(chunks(portfolio))


def chunks(portfolio: dict[str, Any]) -> Iterator[str]:
    """The rows in pieces, a file's findings at a time."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")  # RFC 4180: CRLF, quotes doubled
    writer.writerow(HEADER)
    previous = portfolio["portfolio"].get("previous")
    new = set(previous["newFindings"]) if previous else set()
    for result in portfolio["results"]:
        tenant = result.get("tenant") or ""
        for f in result.get("findings", []):
            row = (
                tenant,
                result["file"],
                f["line"],
                f["column"],
                f["policy"],
                f["severity"],
                f["message"],
                f["key"],
                f.get("waived", False),
                *_impact(f),
                _change(f, previous, new),
            )
            writer.writerow([neutralised(cell) for cell in row])
        yield out.getvalue()
        out.seek(0)
        out.truncate()
    for gone in previous["resolvedFindings"] if previous else ():  # gone since: where they were
        writer.writerow(
            [
                neutralised(cell)
                for cell in (gone["tenant"], gone["file"], "", "", gone["policy"], "", "", gone["key"], "", "", "", "resolved")
            ]
        )
    yield out.getvalue()


def _change(finding: dict[str, Any], previous: dict[str, Any] | None, new: set[str]) -> str:
    """new | existing against the previous report (--previous), else empty."""
    if previous is None or finding.get("waived"):
        return ""
    return "new" if finding["key"] in new else "existing"


def _impact(finding: dict[str, Any]) -> tuple[Any, Any]:
    """The policy's measure and the finding's value (empty when it declares none): a
    spreadsheet sums them per tenant or per measure."""
    impact = finding.get("impact")
    return (impact["measure"], impact["value"]) if impact else ("", "")


def neutralised(value: Any) -> str:
    text = "true" if value is True else "false" if value is False else str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text

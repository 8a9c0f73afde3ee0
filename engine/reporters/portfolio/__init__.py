"""The portfolio report (`wxcc-policy report`): one document over many tenants.

model.py builds a JSON-shaped portfolio (the check result plus what the report needs:
each tenant's overview, the policy catalog, the settings); aggregates.py derives the
summary tables from it; one renderer per format turns it into text. Merging shards
(`report --merge`) rebuilds the same portfolio from JSON parts, so every format is
rendered from one shape whichever way it was made.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

# The formats are the PORTFOLIO registry's (reporters/__init__.py); a report's file extension names one.
EXTENSIONS = {".html": "html", ".htm": "html", ".md": "markdown", ".markdown": "markdown", ".csv": "csv", ".json": "json"}


def summary_text(portfolio: dict[str, Any]) -> str:
    """The text format's one-line summary, from the report's summary (one run's or merged)."""
    from wxcc_policy.evaluation.results import SEVERITIES, Summary
    from wxcc_policy.reporters.text_report import summary_line

    s = portfolio["summary"]
    summary = Summary(s["files"], {sev: s.get(sev, 0) for sev in SEVERITIES}, s.get("waived", 0), s.get("invalid", 0), bool(s["passed"]))
    baseline = s.get("baseline")
    extra = f"; baseline: {baseline['new']} new, {baseline['existing']} existing, {baseline['fixed']} fixed" if baseline else ""
    return summary_line(summary, extra)


def format_for(output: str | None, explicit: str | None) -> str | None:
    """--format wins; otherwise the output file's extension names it (None: unknown)."""
    if explicit:
        return explicit
    return EXTENSIONS.get(Path(output).suffix.lower()) if output else None

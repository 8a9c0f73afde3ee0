"""The portfolio report (`wxcc-policy report`): one document over many tenants.

model.py builds a JSON-shaped portfolio (the check result plus what the report needs:
each tenant's overview, the policy catalog, the settings); aggregates.py derives the
summary tables from it; one renderer per format turns it into text. Merging shards
(`report --merge`) rebuilds the same portfolio from JSON parts, so every format is
rendered from one shape whichever way it was made.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from wxcc_policy.reporters.portfolio import csv_report, html, json_portfolio, markdown

# A report in pieces (or whole, for the short Markdown one): the writer takes either.
PortfolioRenderer = Callable[[dict[str, Any]], str | Iterable[str]]

FORMATS: dict[str, PortfolioRenderer] = {
    "html": html.chunks,
    "markdown": markdown.render,
    "csv": csv_report.chunks,
    "json": json_portfolio.chunks,
}

EXTENSIONS = {".html": "html", ".htm": "html", ".md": "markdown", ".markdown": "markdown", ".csv": "csv", ".json": "json"}


def format_for(output: str | None, explicit: str | None) -> str | None:
    """--format wins; otherwise the output file's extension names it (None: unknown)."""
    if explicit:
        return explicit
    return EXTENSIONS.get(Path(output).suffix.lower()) if output else None

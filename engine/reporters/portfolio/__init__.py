"""The portfolio report (`wxcc-policy report`): one document over many tenants.

model.py builds a JSON-shaped portfolio (the check result plus what the report needs:
each tenant's overview, the policy catalog, the settings); aggregates.py derives the
summary tables from it; one renderer per format turns it into text. Merging shards
(`report --merge`) rebuilds the same portfolio from JSON parts, so every format is
rendered from one shape whichever way it was made.
"""

from __future__ import annotations

from pathlib import Path

# The formats are the PORTFOLIO registry's (reporters/__init__.py); a report's file extension names one.
EXTENSIONS = {".html": "html", ".htm": "html", ".md": "markdown", ".markdown": "markdown", ".csv": "csv", ".json": "json"}


def format_for(output: str | None, explicit: str | None) -> str | None:
    """--format wins; otherwise the output file's extension names it (None: unknown)."""
    if explicit:
        return explicit
    return EXTENSIONS.get(Path(output).suffix.lower()) if output else None

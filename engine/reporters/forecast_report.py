"""`forecast` as text, JSON (schemas/forecast.schema.json) and Markdown."""

from __future__ import annotations

import json
from typing import Any

from wxcc_policy.evaluation.forecast import Forecast, ForecastEntry, ForecastRun
from wxcc_policy.reporters.json_report import finding_fields, header, located, schema_errors
from wxcc_policy.reporters.text_report import problem_lines


def _when(entry: ForecastEntry, as_of: str | None) -> str:
    return f"from {entry.since}" if entry.since else f"today ({as_of})"


def _gone(entry: ForecastEntry) -> str:
    return f" (gone from {entry.until})" if entry.until else ""


def render_text(run: ForecastRun, color: bool = False) -> str:
    fc = run.forecast
    result = fc.file
    lines = problem_lines(result, False)
    for e in fc.entries:
        f = e.finding
        lines.append(f"{result.file}:{f.line}:{f.column}: {_when(e, result.as_of)}: {f.severity} {f.policy} {f.message}{_gone(e)}")
    lines.append(_summary(fc))
    return "\n".join(lines) + "\n"


def _summary(fc: Forecast) -> str:
    result = fc.file
    if result.invalid:
        return f"{result.file}: invalid input, no forecast."
    upcoming = len(fc.upcoming)
    present = len(fc.entries) - upcoming
    days = f"{fc.evaluation_days} evaluation day{'s' if fc.evaluation_days != 1 else ''}"
    return f"{result.file}: forecast from {result.as_of} to {fc.until}: {present} present today, {upcoming} upcoming ({days})."


def as_dict(run: ForecastRun) -> dict[str, Any]:
    fc = run.forecast
    result = fc.file
    return {
        **header(run),
        "file": result.file,
        "digest": result.digest,
        "tenant": result.tenant,
        "asOf": result.as_of,
        "until": fc.until,
        "evaluationDays": fc.evaluation_days,
        "parseError": located(result.parse_error),
        "schemaErrors": schema_errors(result),
        "findings": [_entry(e, result.as_of) for e in fc.entries],
        "summary": {"present": len(fc.entries) - len(fc.upcoming), "upcoming": len(fc.upcoming)},
    }


def _entry(entry: ForecastEntry, as_of: str | None) -> dict[str, Any]:
    f = entry.finding
    return {
        "status": "upcoming" if entry.since else "present",
        "from": entry.since or as_of,
        "until": entry.until,
        **finding_fields(f),
    }


def render_json(run: ForecastRun, color: bool = False) -> str:
    return json.dumps(as_dict(run), indent=2, ensure_ascii=False) + "\n"


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def render_markdown(run: ForecastRun, color: bool = False) -> str:
    fc = run.forecast
    result = fc.file
    lines = [f"# Forecast of `{result.file}`", ""]
    errors = problem_lines(result, False)
    if errors:
        lines += ["Invalid input, no forecast:", "", *(f"- `{_cell(e)}`" for e in errors)]
        return "\n".join(lines) + "\n"
    lines += [_summary(fc), "", "| from | until | severity | policy | where | message |", "|---|---|---|---|---|---|"]
    for e in fc.entries:
        f = e.finding
        since = e.since or f"today ({result.as_of})"
        lines.append(
            f"| {since} | {e.until or ''} | {f.severity} | {f.policy} | {f.line}:{f.column} `{_cell(f.pointer)}` | {_cell(f.message)} |"
        )
    return "\n".join(lines) + "\n"

"""`forecast` as text, JSON (schemas/forecast.schema.json) and Markdown."""

from __future__ import annotations

import json
from typing import Any

from wxcc_policy.evaluation.forecast import Forecast, ForecastEntry, ForecastRun, after
from wxcc_policy.reporters.json_report import finding_fields, header, located, schema_errors
from wxcc_policy.reporters.text_report import problem_lines


def _when(entry: ForecastEntry, as_of: str | None) -> str:
    return f"from {entry.since}" if entry.since else f"today ({as_of})"


def _gone(entry: ForecastEntry) -> str:
    text = after(entry, "")
    return f" ({text})" if text else ""


def render_text(run: ForecastRun, color: bool = False) -> str:
    lines = [line for fc in run.forecasts for line in _text_lines(fc)]
    if not run.single:
        lines.append(_overall(run))
    return "\n".join(lines) + "\n"


def _text_lines(fc: Forecast) -> list[str]:
    result = fc.file
    lines = problem_lines(result, False)
    for e in fc.entries:
        f = e.finding
        lines.append(f"{result.file}:{f.line}:{f.column}: {_when(e, result.as_of)}: {f.severity} {f.policy} {f.message}{_gone(e)}")
    lines.append(_summary(fc))
    return lines


def _summary(fc: Forecast) -> str:
    result = fc.file
    if result.invalid:
        return f"{result.file}: invalid input, no forecast."
    upcoming = len(fc.upcoming)
    present = len(fc.entries) - upcoming
    days = f"{fc.evaluation_days} evaluation day{'s' if fc.evaluation_days != 1 else ''}"
    return f"{result.file}: forecast from {result.as_of} to {fc.until}: {present} present today, {upcoming} upcoming ({days})."


def _totals(run: ForecastRun) -> dict[str, int]:
    upcoming = sum(len(fc.upcoming) for fc in run.forecasts)
    return {
        "files": len(run.forecasts),
        "invalid": sum(1 for fc in run.forecasts if fc.file.invalid),
        "present": sum(len(fc.entries) for fc in run.forecasts) - upcoming,
        "upcoming": upcoming,
    }


def _overall(run: ForecastRun) -> str:
    t = _totals(run)
    invalid = f", {t['invalid']} invalid" if t["invalid"] else ""
    return (
        f"{t['files']} snapshot{'s' if t['files'] != 1 else ''} forecast{invalid}: {t['present']} present today, {t['upcoming']} upcoming."
    )


def as_dict(run: ForecastRun) -> dict[str, Any]:
    if run.single:
        return {**header(run), **_file_dict(run.forecasts[0])}
    return {**header(run), "forecasts": [_file_dict(fc) for fc in run.forecasts], "summary": _totals(run)}


def _file_dict(fc: Forecast) -> dict[str, Any]:
    result = fc.file
    return {
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
        "becomes": list(entry.becomes),
        **finding_fields(f),
    }


def render_json(run: ForecastRun, color: bool = False) -> str:
    return json.dumps(as_dict(run), indent=2, ensure_ascii=False) + "\n"


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def render_markdown(run: ForecastRun, color: bool = False) -> str:
    if run.single:
        lines = _markdown_lines(run.forecasts[0], "#")
    else:
        lines = [f"# Forecast of {len(run.forecasts)} snapshots", "", _overall(run)]
        for fc in run.forecasts:
            lines += ["", *_markdown_lines(fc, "##")]
    return "\n".join(lines) + "\n"


def _markdown_lines(fc: Forecast, heading: str) -> list[str]:
    result = fc.file
    lines = [f"{heading} Forecast of `{result.file}`", ""]
    errors = problem_lines(result, False)
    if errors:
        return [*lines, "Invalid input, no forecast:", "", *(f"- `{_cell(e)}`" for e in errors)]
    lines += [_summary(fc), "", "| from | until | severity | policy | where | message |", "|---|---|---|---|---|---|"]
    for e in fc.entries:
        f = e.finding
        since = e.since or f"today ({result.as_of})"
        until = f"{e.until} (becomes {', '.join(e.becomes)})" if e.becomes else e.until or ""
        lines.append(f"| {since} | {until} | {f.severity} | {f.policy} | {f.line}:{f.column} `{_cell(f.pointer)}` | {_cell(f.message)} |")
    return lines

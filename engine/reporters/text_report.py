"""Compiler-style lines, `path:line:column: severity POLICY-ID message`, then a summary."""

from __future__ import annotations

from wxcc_policy.evaluation.results import RunResult, Summary

_COLORS = {"error": "31", "warning": "33", "info": "36"}


def _paint(text: str, severity: str, color: bool) -> str:
    return f"\x1b[{_COLORS[severity]}m{text}\x1b[0m" if color else text


def render(run: RunResult, color: bool = False) -> str:
    lines: list[str] = []
    for result in run.results:
        label = _paint("error", "error", color)
        if result.parse_error:
            e = result.parse_error
            lines.append(f"{result.file}:{e.line}:{e.column}: {label} PARSE {e.message}")
        for s in result.schema_errors:
            lines.append(f"{result.file}:{s.line}:{s.column}: {label} SCHEMA {s.pointer or '/'}: {s.message}")
        for f in result.findings:
            severity = _paint(f.severity, f.severity, color)
            waived = " (waived)" if f.waived else ""
            lines.append(f"{result.file}:{f.line}:{f.column}: {severity} {f.policy} {f.message}{waived}")
    lines.append(summary_line(run.summary()))
    return "\n".join(lines) + "\n"


def summary_line(s: Summary) -> str:
    files = f"{s.files} file{'s' if s.files != 1 else ''} checked"
    counts = ", ".join(f"{n} {sev}{'s' if n != 1 and sev != 'info' else ''}" for sev, n in s.counts.items())
    extra = f", {s.invalid} invalid" if s.invalid else ""
    extra += f", {s.waived} waived" if s.waived else ""
    return f"{files}: {counts}{extra}. {'Passed' if s.passed else 'Failed'}."

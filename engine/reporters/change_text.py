"""`diff` and `plan` as compiler-style lines: `file:line:column: state severity POLICY message`."""

from __future__ import annotations

from wxcc_policy.evaluation.change import ChangeEntry, ChangeResult, ChangeRun
from wxcc_policy.reporters.text_report import problem_lines

_COLORS = {"new": "31", "unchanged": "33", "resolved": "32", "error": "31"}


def _paint(text: str, kind: str, color: bool) -> str:
    return f"\x1b[{_COLORS[kind]}m{text}\x1b[0m" if color else text


def render(run: ChangeRun, color: bool = False) -> str:
    lines: list[str] = []
    for change in run.changes:
        lines.extend(problem_lines(change.before, color))
        lines.extend(problem_lines(change.after, color))
        lines.extend(_error_line(e, color) for e in change.errors)
        lines.extend(_entry(e, color) for e in change.entries)
        lines.append(summary_line(run, change))
    if not run.changes:  # `plan --paired` given only snapshots without change files (or none)
        lines.append("No change file to judge (X.change.json|yaml|yml beside its snapshot X.json|yaml|yml). Passed.")
    return "\n".join(lines) + "\n"


def _error_line(located: str, color: bool) -> str:
    where, _, message = located.partition(": ")
    return f"{where}: {_paint('error', 'error', color)} CHANGE {message}"


def _entry(entry: ChangeEntry, color: bool) -> str:
    f = entry.finding
    state = _paint(f.state or "new", f.state or "new", color)
    line = f"{entry.file}:{f.line}:{f.column}: {state} {f.severity} {f.policy} {f.message}"
    before = entry.previous
    if before is not None and (before.severity != f.severity or before.message != f.message):
        line += f" (was {before.severity}: {before.message})"
    return line + (" (waived)" if f.waived else "")


def summary_line(run: ChangeRun, change: ChangeResult) -> str:
    counts = change.counts()
    subject = f"{change.before.file} -> {change.change or change.after.file}"
    body = ", ".join(f"{n} {state}" for state, n in counts.items())
    if change.invalid:
        return f"{subject}: invalid input. Failed."
    gated = change.gated(run.gate, run.fail_on)
    scope = "new finding" if run.gate == "new" else "finding after the change"
    verdict = "Passed." if not gated else f"Failed: {len(gated)} {scope}{'s' if len(gated) != 1 else ''} at or above {run.fail_on}."
    return f"{subject}: {body}. {verdict}"

"""Compiler-style lines, `path:line:column: severity POLICY-ID message`, then a summary.

Findings that fail the run come first; findings the baseline already knows (`existing`)
and waived findings follow in sections of their own, then run-level notices (expired,
expiring or unused waivers, fixed baseline entries), then the summary line.
"""

from __future__ import annotations

from collections.abc import Iterator

from wxcc_policy.evaluation.baseline import baseline_counts
from wxcc_policy.evaluation.results import FileResult, Finding, Notice, RunResult, Summary

_COLORS = {"error": "31", "warning": "33", "info": "36"}


def _paint(text: str, severity: str, color: bool) -> str:
    return f"\x1b[{_COLORS[severity]}m{text}\x1b[0m" if color else text


def render(run: RunResult, color: bool = False) -> str:
    return "".join(chunks(run, color))


def chunks(run: RunResult, color: bool = False, keys: bool = False) -> Iterator[str]:
    """The report in pieces, a file at a time: each section is another pass over the results,
    which may be on disk (evaluation/results.py), so nothing is held whole. With `keys`
    (`check --show-keys`), each finding's key on an indented line below it."""
    written = False  # a section with nothing before it needs no blank line above it
    sectioned = bool(run.notices)  # the summary then stands apart from the last section
    for result in run.results:
        lines = problem_lines(result, color)
        for f in result.findings:
            if not f.waived and f.counts:
                lines.append(finding_line(result.file, f, color))
                lines.extend(_key_line(f, keys))
        if lines:
            yield "\n".join(lines) + "\n"
            written = True
    sections = (
        (f"Existing findings (in the baseline {run.baseline}; they do not fail the run):", _known),
        ("Upcoming findings (check --horizon; they do not fail the run):", _upcoming),
        ("Waived findings (they do not fail the run):", _waived),
    )
    for title, belongs in sections:
        for number, (file, f) in enumerate((r.file, f) for r in run.results for f in r.findings if belongs(f)):
            if number == 0:
                yield f"\n{title}\n" if written else f"{title}\n"
                written = sectioned = True
            yield "\n".join(_finding_lines(file, f, color) + _key_line(f, keys)) + "\n"
    if run.notices:
        yield ("\n" if written else "") + "Notices:\n" + "".join(notice_line(n, color) + "\n" for n in run.notices)
        written = True
    if sectioned:
        yield "\n"
    yield summary_line(run.summary(), baseline_states(run)) + "\n"


def _known(f: Finding) -> bool:
    return not f.waived and not f.counts and f.state != "upcoming"


def _upcoming(f: Finding) -> bool:
    return not f.waived and f.state == "upcoming"


def _waived(f: Finding) -> bool:
    return f.waived


def problem_lines(result: FileResult, color: bool) -> list[str]:
    """Why a file could not be evaluated: a parse error, schema errors, or a policy that failed on it."""
    label = _paint("error", "error", color)
    lines = []
    if result.parse_error:
        e = result.parse_error
        lines.append(f"{result.file}:{e.line}:{e.column}: {label} PARSE {e.message}")
    lines.extend(f"{result.file}:{s.line}:{s.column}: {label} SCHEMA {s.pointer or '/'}: {s.message}" for s in result.schema_errors)
    if result.eval_error:
        e = result.eval_error
        lines.append(f"{result.file}:{e.line}:{e.column}: {label} EVAL {e.message}")
    return lines


def finding_line(file: str, f: Finding, color: bool) -> str:
    return f"{file}:{f.line}:{f.column}: {_paint(f.severity, f.severity, color)} {f.policy} {f.message}"


def _finding_lines(file: str, f: Finding, color: bool) -> list[str]:
    lines = [finding_line(file, f, color)]
    if f.waiver is not None:
        w = f.waiver
        who = f"{w.owner}, {w.ticket}" if w.ticket else w.owner
        lines.append(_one_line(f"  waived by {w.reference} until {w.expires} ({who}): {w.reason}"))
    return lines


def _key_line(f: Finding, keys: bool) -> list[str]:
    return [f"  key {f.key}"] if keys else []


def keyed_chunks(run: RunResult, color: bool = False) -> Iterator[str]:
    """The text report with each finding's key (`check --show-keys`)."""
    return chunks(run, color, keys=True)


def notice_line(notice: Notice, color: bool) -> str:
    """`where: level TOPIC message`, TOPIC from the notice's kind (WAIVER, BASELINE), so one
    grep pattern still fits every line."""
    topic = notice.kind.split("-")[0].upper() or "NOTICE"
    where = f"{notice.where}: " if notice.where else ""
    return f"{where}{_paint(notice.level, notice.level, color)} {topic} {_one_line(notice.message)}"


def _one_line(text: str) -> str:
    """Waiver reasons and owners are free text (`reason: |` ends in a newline): line breaks
    become spaces, so that each item stays one line."""
    return " ".join(text.splitlines()) if "\n" in text or "\r" in text else text


def baseline_states(run: RunResult) -> str:
    counts = baseline_counts(run)
    return "" if counts is None else "; baseline: " + ", ".join(f"{n} {state}" for state, n in counts.items())


def summary_line(s: Summary, extra: str = "") -> str:
    files = f"{s.files} file{'s' if s.files != 1 else ''} checked"
    counts = ", ".join(f"{n} {sev}{'s' if n != 1 and sev != 'info' else ''}" for sev, n in s.counts.items())
    more = f", {s.invalid} invalid" if s.invalid else ""
    more += f", {s.waived} waived" if s.waived else ""
    return f"{files}: {counts}{more}{extra}. {'Passed' if s.passed else 'Failed'}."

"""GitHub Actions workflow commands (`--format github`): one annotation per problem.

`::error file=PATH,line=L,col=C,title=POLICY::MESSAGE` (`warning`, `notice` for the
lower severities), then the text summary line. GitHub shows the annotations on the
pull request's changed files and in the run's summary. Escaping is GitHub's own (the
`@actions/core` toolkit): `%`, CR and LF in the message; also `:` and `,` in properties.
"""

from __future__ import annotations

from collections.abc import Iterator

from wxcc_policy.evaluation.results import Notice, RunResult
from wxcc_policy.reporters.locations import STDIN_NAME, parse_place, relative_path
from wxcc_policy.reporters.problems import Problem, problems, summary_text

COMMANDS = {"error": "error", "warning": "warning", "info": "notice"}
KNOWN_STATES = ("existing", "unchanged", "upcoming")  # known before, or due later: only a notice


def render(run: RunResult, color: bool = False) -> str:
    return "".join(chunks(run))


def chunks(run: RunResult, color: bool = False) -> Iterator[str]:
    yield from (_annotation(p) + "\n" for p in problems(run) if p.active)
    yield from (_notice(n) + "\n" for n in run.notices)
    yield summary_text(run) + "\n"


def _annotation(problem: Problem) -> str:
    state = problem.finding.state if problem.finding is not None else None
    command = "notice" if state in KNOWN_STATES else COMMANDS[problem.severity]
    title = f"{problem.rule} ({state})" if state in KNOWN_STATES else problem.rule
    return workflow_command(command, {**_place(problem.file.file, problem.line, problem.column), "title": title}, problem.message)


def _place(file: str, line: int, column: int) -> dict[str, str]:
    """GitHub resolves `file` in the checkout: standard input has no place there."""
    if file == STDIN_NAME:
        return {}
    return {"file": relative_path(file), "line": str(line), "col": str(column)}


def _notice(notice: Notice) -> str:
    place = parse_place(notice.where)
    properties = {} if place is None else _place(place.file, place.line, place.column)
    if notice.kind:
        properties["title"] = notice.kind
    return workflow_command(COMMANDS.get(notice.level, "notice"), properties, notice.message)


def workflow_command(command: str, properties: dict[str, str], message: str) -> str:
    props = ",".join(f"{name}={escape_property(value)}" for name, value in properties.items())
    return f"::{command}{' ' + props if props else ''}::{escape_data(message)}"


def escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(text: str) -> str:
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")

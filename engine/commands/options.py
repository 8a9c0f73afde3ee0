"""Options and helpers shared by the subcommands."""

from __future__ import annotations

import codecs
import datetime as dt
import os
import sys
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import click

from wxcc_policy.errors import UsageError

if TYPE_CHECKING:
    from wxcc_policy.reporters.registry import Registry

SEVERITY_CHOICE = click.Choice(["error", "warning", "info"])
FC = TypeVar("FC", bound=Callable[..., Any])  # a click command function, as decorators pass it on


def parse_as_of(ctx: click.Context, param: click.Parameter, value: str | None) -> str | None:
    if value is None:
        return None
    try:
        return dt.date.fromisoformat(value).isoformat() if len(value) == 10 else _bad_date(value)
    except ValueError:
        return _bad_date(value)


def _bad_date(value: str) -> str:
    raise click.BadParameter(f"{value!r} is not a date in the form YYYY-MM-DD")


def use_color() -> bool:
    return sys.stdout is not None and sys.stdout.isatty() and "NO_COLOR" not in os.environ


def start_run() -> None:
    """Each run (each main() call) guards its own inputs against its output."""
    from wxcc_policy.inputs.files_read import forget_reads

    forget_reads()


def write_output(text: str | Iterable[str], output: str | None) -> None:
    """Write to stdout, or to a file by the rules of reporters/output_files.py: never over
    a file the run read, atomically onto regular files (docs/hardening.md). `text` may come
    in pieces (a long report, rendered as it is written)."""
    if output is None or output == "-":  # `-o -`: standard output, as for inputs
        write_stdout(text)
        return
    from wxcc_policy.inputs.files_read import files_read
    from wxcc_policy.reporters.output_files import refuse_inputs, write_report

    refuse_inputs(Path(output), files_read())
    try:
        write_report(Path(output), text)
    except OSError as exc:
        raise UsageError(f"cannot write the report: {exc.strerror or exc}", output) from None


def write_stdout(text: str | Iterable[str]) -> None:
    """A closed or full standard output is a one-line error (exit 2), not a lost report. A
    report in pieces is rendered whole (into a temporary file) before its first byte is
    shown: a failure midway shows no half report."""
    from wxcc_policy.reporters.output_files import encoded, rendered_first

    if sys.stdout is None:
        raise UsageError("cannot write the report: standard output is closed")
    blocks = rendered_first(encoded(text)) if not isinstance(text, str) else encoded(text)
    decoder = codecs.getincrementaldecoder("utf-8")()  # a block may end inside a character
    try:  # writing, or holding the rendered report in its temporary file
        for block in blocks:
            click.echo(decoder.decode(block), nl=False)
    except OSError as exc:
        raise UsageError(f"cannot write the report to standard output: {exc.strerror or exc}") from None


def horizon_option(help_text: str) -> Callable[[FC], FC]:
    """`--horizon DAYS` (at most 100 years), with what the command does with it."""
    return click.option("--horizon", type=click.IntRange(min=0, max=36600), metavar="DAYS", help=help_text)


def format_option(registry: Registry[Any], help_text: str = "Output format [default: text].") -> Callable[[FC], FC]:
    """`--format`, its choices the subject's registry (reporters/__init__.py)."""
    return click.option("--format", "fmt", type=click.Choice(registry.names), default=None, help=help_text)


def output_option(help_text: str = "Write the report to this file.") -> Callable[[FC], FC]:
    return click.option("--output", "-o", type=click.Path(dir_okay=False), help=help_text)


def fail_on_option(help_text: str = "Lowest severity that fails the run (exit 1) [default: error].") -> Callable[[FC], FC]:
    return click.option("--fail-on", type=SEVERITY_CHOICE, default=None, help=help_text)


def config_option(fn: FC) -> FC:
    return click.option(
        "--config", "config_path", type=click.Path(dir_okay=False), help="Configuration file [default: .wxcc-policy.yaml when present]."
    )(fn)


def policy_dir_option(fn: FC) -> FC:
    return click.option(
        "--policy-dir",
        "policy_dirs",
        multiple=True,
        type=click.Path(file_okay=False),
        help="Directory of user policies and libraries (repeatable); they join the built-ins.",
    )(fn)


def selection_options(fn: FC) -> FC:
    """--select and --skip: which loaded policies a run evaluates."""
    fn = click.option("--skip", multiple=True, metavar="ID", help="Do not run these policies (repeatable).")(fn)
    return click.option("--select", multiple=True, metavar="ID", help="Run only these policies (repeatable).")(fn)


def as_of_for(default: str) -> Callable[[FC], FC]:
    """`--as-of`, its help saying exactly which capturedAt stands in when it is not given."""
    return click.option("--as-of", callback=parse_as_of, metavar="YYYY-MM-DD", help=f"Evaluation date [default: the date of {default}].")


as_of_option = as_of_for("each snapshot's capturedAt")

"""Options and helpers shared by the subcommands."""

from __future__ import annotations

import codecs
import datetime as dt
import os
import sys
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import click

from wxcc_policy.errors import UsageError

SEVERITY_CHOICE = click.Choice(["error", "warning", "info"])


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
    from wxcc_policy.inputs.read_files import forget_reads

    forget_reads()


def write_output(text: str | Iterable[str], output: str | None) -> None:
    """Write to stdout, or to a file by the rules of reporters/output_files.py: never over
    a file the run read, atomically onto regular files (docs/hardening.md). `text` may come
    in pieces (a long report, rendered as it is written)."""
    if output is None or output == "-":  # `-o -`: standard output, as for inputs
        write_stdout(text)
        return
    from wxcc_policy.inputs.read_files import files_read
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


def horizon_option(help_text: str) -> Any:
    """`--horizon DAYS` (at most 100 years), with what the command does with it."""
    return click.option("--horizon", type=click.IntRange(min=0, max=36600), metavar="DAYS", help=help_text)


def config_option(fn: Any) -> Any:
    return click.option(
        "--config", "config_path", type=click.Path(dir_okay=False), help="Configuration file [default: .wxcc-policy.yaml when present]."
    )(fn)


def policy_dir_option(fn: Any) -> Any:
    return click.option(
        "--policy-dir",
        "policy_dirs",
        multiple=True,
        type=click.Path(file_okay=False),
        help="Directory of user policies and libraries (repeatable); they join the built-ins.",
    )(fn)


def selection_options(fn: Any) -> Any:
    """--select and --skip: which loaded policies a run evaluates."""
    fn = click.option("--skip", multiple=True, metavar="ID", help="Do not run these policies (repeatable).")(fn)
    return click.option("--select", multiple=True, metavar="ID", help="Run only these policies (repeatable).")(fn)


def as_of_option(fn: Any) -> Any:
    return click.option(
        "--as-of", callback=parse_as_of, metavar="YYYY-MM-DD", help="Evaluation date [default: the date of each snapshot's capturedAt]."
    )(fn)


def load(config_path: str | None, policy_dirs: tuple[str, ...]) -> tuple[Any, Any]:
    """The configuration and the policy set it and the command line name."""
    from wxcc_policy.commands.config import DEFAULT_CONFIG, check_selection, load_config
    from wxcc_policy.rules.policy_set import load_policy_set

    config = load_config(Path(config_path or DEFAULT_CONFIG), explicit=config_path is not None)
    dirs = [*config.policy_dirs, *(Path(d) for d in policy_dirs)]
    policies = load_policy_set(distinct_dirs(dirs))
    check_selection(config, policies)
    return config, policies


def distinct_dirs(dirs: list[Path]) -> list[Path]:
    """Each directory once, however it is named (the configuration and the command line
    may both name it): loading it twice would report every policy in it as a duplicate."""
    seen: set[str] = set()
    out = []
    for d in dirs:
        key = os.path.realpath(d)
        if key not in seen:
            seen.add(key)
            out.append(d)
    return out

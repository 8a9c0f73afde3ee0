"""Options and helpers shared by the subcommands."""

from __future__ import annotations

import datetime as dt
import os
import sys
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, TypeVar

import click

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

"""`wxcc-policy diff BEFORE AFTER`: the findings a change adds, resolves and leaves alone."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import click

from wxcc_policy.commands.options import (
    FC,
    as_of_for,
    config_option,
    fail_on_option,
    format_option,
    output_option,
    policy_dir_option,
    selection_options,
)
from wxcc_policy.commands.run_options import RunOptions
from wxcc_policy.commands.session import Session, finish
from wxcc_policy.reporters import CHANGE

if TYPE_CHECKING:
    from wxcc_policy.evaluation.change import ChangeResult


def change_options(as_of_default: str) -> Callable[[FC], FC]:
    """The options `diff` and `plan` share with `check`, plus --gate."""
    decorators: list[Callable[[FC], FC]] = [
        format_option(CHANGE, "Output format [default: text]; sarif: results with baselineState new / unchanged / absent."),
        as_of_for(as_of_default),
        fail_on_option("Lowest severity of a new finding that fails the run [default: error]."),
        click.option(
            "--gate",
            type=click.Choice(["new", "all"]),
            default="new",
            show_default=True,
            help="Fail on new findings only, or on every finding after the change.",
        ),
        config_option,
        policy_dir_option,
        selection_options,
        output_option(),
    ]

    def decorate(fn: FC) -> FC:
        for decorator in reversed(decorators):
            fn = decorator(fn)
        return fn

    return decorate


def emit(session: Session, gate: str, changes: tuple[ChangeResult, ...]) -> int:
    """The change run in the chosen format (--format, else the configuration's where the
    change formats have it); its exit code."""
    from wxcc_policy.evaluation.change import change_run

    run = change_run(session.settings, session.policies, gate, changes)
    session.emit(CHANGE.renderer(session.format_name(CHANGE))(run, session.color))
    return run.exit_code


@click.command()
@click.argument("before")
@click.argument("after")
@change_options("AFTER's capturedAt (both snapshots are judged on that one day)")
def diff(before: str, after: str, gate: str, **params: Any) -> None:
    """Judge a change between two snapshots of one tenant: new, resolved and unchanged findings.

    Both are evaluated on one date: --as-of, else AFTER's own. Exit 1 when a new finding is at
    or above --fail-on (--gate all: any finding of AFTER), or an input is invalid.
    """
    session = Session(RunOptions.of(params))
    finish(lambda: _diff(session, before, after, gate))


def _diff(session: Session, before: str, after: str, gate: str) -> int:
    from wxcc_policy.evaluation.change import diff_files

    result = diff_files(before, after, session.settings, session.policies)
    return emit(session, gate, (result,))

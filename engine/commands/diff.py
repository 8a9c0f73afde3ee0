"""`wxcc-policy diff BEFORE AFTER`: the findings a change adds, resolves and leaves alone."""

from __future__ import annotations

import sys
from collections.abc import Callable
from typing import Any

import click

from wxcc_policy.commands.check import collection_paused
from wxcc_policy.commands.options import (
    SEVERITY_CHOICE,
    as_of_option,
    config_option,
    load,
    policy_dir_option,
    selection_options,
    use_color,
    write_output,
)


def change_options(fn: Callable[..., Any]) -> Callable[..., Any]:
    """The options `diff` and `plan` share with `check`, plus --gate."""
    decorators: list[Callable[[Any], Any]] = [
        click.option(
            "--format",
            "fmt",
            type=click.Choice(["text", "json", "sarif"]),
            default=None,
            help="Output format [default: text]; sarif: results with baselineState new / unchanged / absent.",
        ),
        as_of_option,
        click.option(
            "--fail-on", type=SEVERITY_CHOICE, default=None, help="Lowest severity of a new finding that fails the run [default: error]."
        ),
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
        click.option("--output", "-o", type=click.Path(dir_okay=False), help="Write the report to this file."),
    ]
    for decorate in reversed(decorators):
        fn = decorate(fn)
    return fn


def settings_and_policies(opts: dict[str, Any]) -> tuple[Any, Any, Any]:
    """(CheckSettings, PolicySet, Config) as `check` builds them, without paths."""
    from wxcc_policy.commands.check import check_settings

    config, policies = load(opts["config_path"], opts["policy_dirs"])
    return check_settings({**opts, "paths": ()}, config, policies), policies, config


def emit(run: Any, opts: dict[str, Any], config: Any, settings: Any, policies: Any) -> int:
    from wxcc_policy.reporters import change_json, change_text

    fmt = opts["fmt"] or _config_format(config)
    output = opts["output"]
    if fmt == "sarif":
        from wxcc_policy.evaluation.change import as_run_result
        from wxcc_policy.reporters import sarif

        text = sarif.render(as_run_result(run, settings, policies))
    else:
        text = {"text": change_text.render, "json": change_json.render}[fmt](run, use_color() and output is None)
    write_output(text, output)
    return int(run.exit_code)


def _config_format(config: Any) -> str:
    return config.format if config.format in ("text", "json", "sarif") else "text"


def change_run(settings: Any, policies: Any, gate: str, changes: tuple[Any, ...]) -> Any:
    from wxcc_policy.evaluation.change import ChangeRun
    from wxcc_policy.evaluation.run_header import run_header

    return ChangeRun(*run_header(policies), settings.fail_on, gate, changes)


@click.command()
@click.argument("before")
@click.argument("after")
@change_options
def diff(**opts: Any) -> None:
    """Judge a change between two snapshots of one tenant: new, resolved and unchanged findings.

    Both are evaluated on one date: --as-of, else AFTER's own. Exit 1 when a new finding is at
    or above --fail-on (--gate all: any finding of AFTER), or an input is invalid.
    """
    with collection_paused():
        code = _diff(opts)
    sys.exit(code)


def _diff(opts: dict[str, Any]) -> int:
    from wxcc_policy.evaluation.change import diff_files

    settings, policies, config = settings_and_policies(opts)
    result = diff_files(opts["before"], opts["after"], settings, policies)
    return emit(change_run(settings, policies, opts["gate"], (result,)), opts, config, settings, policies)

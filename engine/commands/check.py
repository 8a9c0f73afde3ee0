"""`wxcc-policy check`: snapshots in, findings out, exit code by the worst finding."""

from __future__ import annotations

import gc
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import click

from wxcc_policy.commands.options import (
    SEVERITY_CHOICE,
    as_of_option,
    config_option,
    load,
    policy_dir_option,
    use_color,
    write_output,
)


@click.command()
@click.argument("paths", nargs=-1, required=True)
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default=None, help="Output format [default: text].")
@as_of_option
@click.option("--fail-on", type=SEVERITY_CHOICE, default=None, help="Lowest severity that fails the run (exit 1) [default: error].")
@config_option
@policy_dir_option
@click.option("--select", multiple=True, metavar="ID", help="Run only these policies (repeatable).")
@click.option("--skip", multiple=True, metavar="ID", help="Do not run these policies (repeatable).")
@click.option("--output", "-o", type=click.Path(dir_okay=False), help="Write the report to this file.")
def check(**opts: Any) -> None:
    """Check tenant snapshots (files, or directories of *.json, *.yaml, *.yml)."""
    # Options are read by name from `opts`, so that each feature adds its options beside its code.
    with collection_paused():
        code = _check(opts)
    sys.exit(code)


def _check(opts: dict[str, Any]) -> int:
    from wxcc_policy.commands.config import policy_parameters
    from wxcc_policy.evaluation.pipeline import CheckSettings, run_check, select_policies
    from wxcc_policy.reporters import REPORTERS

    config, policies = load(opts["config_path"], opts["policy_dirs"])
    settings = CheckSettings(
        paths=opts["paths"],
        as_of=opts["as_of"],
        fail_on=opts["fail_on"] or config.fail_on or "error",
        parameters=policy_parameters(policies, config),
        policy_ids=select_policies(policies, opts["select"] or config.select, opts["skip"] or config.skip),
    )
    run = run_check(settings, policies)
    renderer = REPORTERS[opts["fmt"] or config.format or "text"]
    output = opts["output"]
    write_output(renderer(run, use_color() and output is None), output)
    return run.exit_code


@contextmanager
def collection_paused() -> Iterator[None]:
    """A run builds large acyclic documents: cyclic garbage collection would only cost
    time. Restored afterwards, for programs that embed the CLI."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()

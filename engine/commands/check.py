"""`wxcc-policy check`: snapshots in, findings out, exit code by the worst finding."""

from __future__ import annotations

import sys

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
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default=None,
              help="Output format [default: text].")
@as_of_option
@click.option("--fail-on", type=SEVERITY_CHOICE, default=None,
              help="Lowest severity that fails the run (exit 1) [default: error].")
@config_option
@policy_dir_option
@click.option("--select", multiple=True, metavar="ID", help="Run only these policies (repeatable).")
@click.option("--skip", multiple=True, metavar="ID", help="Do not run these policies (repeatable).")
@click.option("--output", "-o", type=click.Path(dir_okay=False), help="Write the report to this file.")
def check(paths: tuple[str, ...], fmt: str | None, as_of: str | None, fail_on: str | None,
          config_path: str | None, policy_dirs: tuple[str, ...], select: tuple[str, ...],
          skip: tuple[str, ...], output: str | None) -> None:
    """Check tenant snapshots (files, or directories of *.json, *.yaml, *.yml)."""
    import gc

    # A short-lived run that builds large acyclic documents: collection would only cost time.
    gc.disable()
    from wxcc_policy.commands.config import policy_parameters
    from wxcc_policy.evaluation.pipeline import CheckSettings, run_check, select_policies
    from wxcc_policy.reporters import REPORTERS

    config, policies = load(config_path, policy_dirs)
    settings = CheckSettings(
        paths=paths,
        as_of=as_of,
        fail_on=fail_on or config.fail_on or "error",
        parameters=policy_parameters(policies, config),
        policy_ids=select_policies(policies, select or config.select, skip or config.skip),
    )
    run = run_check(settings, policies)
    renderer = REPORTERS[fmt or config.format or "text"]
    write_output(renderer(run, use_color() and output is None), output)
    sys.exit(run.exit_code)

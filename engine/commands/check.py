"""`wxcc-policy check`: snapshots in, findings out, exit code by the worst finding."""

from __future__ import annotations

import gc
import sys
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any

import click

from wxcc_policy.commands.accepted_risk import baseline_option, waiver_options
from wxcc_policy.commands.extra_reports import report_option
from wxcc_policy.commands.options import (
    SEVERITY_CHOICE,
    as_of_option,
    config_option,
    horizon_option,
    load,
    policy_dir_option,
    selection_options,
    use_color,
    write_output,
)
from wxcc_policy.commands.progress import many_files_options
from wxcc_policy.reporters import REPORTERS, reporter


@click.command()
@click.argument("paths", nargs=-1, required=True)
@click.option("--format", "fmt", type=click.Choice(list(REPORTERS)), default=None, help="Output format [default: text].")
@as_of_option
@click.option("--fail-on", type=SEVERITY_CHOICE, default=None, help="Lowest severity that fails the run (exit 1) [default: error].")
@config_option
@policy_dir_option
@selection_options
@click.option("--output", "-o", type=click.Path(dir_okay=False), help="Write the report to this file.")
@click.option("--show-keys", is_flag=True, help="Text format: each finding's key below it (for explain --key, waivers, baselines).")
@report_option
@many_files_options
@waiver_options
@baseline_option
@horizon_option("Also list, as info that never fails the run, the findings the next DAYS days will bring (see `forecast`).")
def check(**opts: Any) -> None:
    """Check tenant snapshots (files, or directories of *.json, *.yaml, *.yml)."""
    # Options are read by name from `opts`, so that each feature adds its options beside its code.
    with collection_paused():
        code = _check(opts)
    sys.exit(code)


def _check(opts: dict[str, Any]) -> int:
    from wxcc_policy.commands.accepted_risk import apply_accepted_risk, load_accepted_risk
    from wxcc_policy.commands.extra_reports import announce, planned_reports, write_reports

    if opts["horizon"] is not None:  # before the policies are compiled (lang/tracking.py)
        from wxcc_policy.lang.tracking import install_builtin_tracking

        install_builtin_tracking()
    config, policies = load(opts["config_path"], opts["policy_dirs"])
    settings = check_settings(opts, config, policies)
    reports = planned_reports(opts, config)
    renderer = reporter(opts["fmt"] or config.format or "text", opts["show_keys"])
    risk = load_accepted_risk(opts, config, policies)
    run, _ = run_many(opts, settings, policies)
    run = apply_accepted_risk(run, risk, opts, config, settings.policy_ids)
    if opts["horizon"] is not None:
        from wxcc_policy.evaluation.forecast import with_horizon

        run = with_horizon(run, settings, policies, opts["horizon"])
    output = opts["output"]
    write_output(renderer(run, use_color() and output is None), output)
    write_reports(run, reports)
    announce(run, output)
    return run.exit_code


def check_settings(opts: dict[str, Any], config: Any, policies: Any) -> Any:
    """The settings of a run from the options and the configuration (also used by `report`)."""
    from wxcc_policy.commands.config import policy_parameters
    from wxcc_policy.evaluation.pipeline import CheckSettings, select_policies

    return CheckSettings(
        paths=opts["paths"],
        as_of=opts["as_of"],
        fail_on=opts["fail_on"] or config.fail_on or "error",
        parameters=policy_parameters(policies, config),
        policy_ids=select_policies(policies, opts["select"] or config.select, opts["skip"] or config.skip),
        limits=config.limits,
    )


def run_many(opts: dict[str, Any], settings: Any, policies: Any, extra: Any = None) -> tuple[Any, Sequence[Any]]:
    """The run over every input, in --jobs worker processes, the --shard share, with a progress bar."""
    from wxcc_policy.commands.progress import jobs_of, progress_for
    from wxcc_policy.evaluation.parallel import run_files

    bar = progress_for(opts["quiet"])
    try:
        return run_files(settings, policies, jobs_of(opts), opts["shard"], bar, extra)
    finally:
        if bar is not None:
            bar.close()


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

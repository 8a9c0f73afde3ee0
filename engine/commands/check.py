"""`wxcc-policy check`: snapshots in, findings out, exit code by the worst finding."""

from __future__ import annotations

from typing import Any

import click

from wxcc_policy.commands.accepted_risk import baseline_option, waiver_options
from wxcc_policy.commands.extra_reports import report_option
from wxcc_policy.commands.options import (
    as_of_option,
    config_option,
    fail_on_option,
    format_option,
    horizon_option,
    output_option,
    policy_dir_option,
    selection_options,
)
from wxcc_policy.commands.progress import many_files_options
from wxcc_policy.commands.run_options import RunOptions
from wxcc_policy.commands.session import Session, finish
from wxcc_policy.reporters import CHECK, SHOWS_FIXES, check_renderer


@click.command()
@click.argument("paths", nargs=-1, required=True)
@format_option(CHECK)
@as_of_option
@fail_on_option()
@config_option
@policy_dir_option
@selection_options
@output_option()
@click.option("--show-keys", is_flag=True, help="Text format: each finding's key below it (for explain --key, waivers, baselines).")
@report_option
@many_files_options
@waiver_options
@baseline_option
@horizon_option("Also list, as info that never fails the run, the findings the next DAYS days will bring (see `forecast`).")
def check(show_keys: bool, **params: Any) -> None:
    """Check tenant snapshots (files, or directories of *.json, *.yaml, *.yml)."""
    session = Session(RunOptions.of(params))
    finish(lambda: _check(session, show_keys))


def _check(session: Session, show_keys: bool) -> int:
    from wxcc_policy.commands.extra_reports import announce, planned_reports, write_reports

    options = session.options
    reports = planned_reports(options, session.config)
    renderer = check_renderer(session.format_name(CHECK), show_keys)  # a wrong pairing fails before the run
    session.source_edits = bool(SHOWS_FIXES & {session.format_name(CHECK), *(r.fmt for r in reports)})
    settings = session.settings
    risk = session.accepted_risk()
    run, _ = session.run()
    run = session.judged(run, risk)
    if options.horizon is not None:
        from wxcc_policy.evaluation.forecast import with_horizon

        run = with_horizon(run, settings, session.policies, options.horizon)
    session.emit(renderer(run, session.color))
    write_reports(run, reports)
    announce(run, options.output)
    return run.exit_code

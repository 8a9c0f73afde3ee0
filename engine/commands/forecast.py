"""`wxcc-policy forecast PATH... --until DATE | --days N`: the findings the calendar will bring."""

from __future__ import annotations

from typing import Any

import click

from wxcc_policy.commands.options import (
    as_of_for,
    config_option,
    format_option,
    output_option,
    parse_as_of,
    policy_dir_option,
    selection_options,
)
from wxcc_policy.commands.run_options import RunOptions
from wxcc_policy.commands.session import Session, finish
from wxcc_policy.errors import UsageError
from wxcc_policy.reporters import FORECAST


@click.command()
@click.argument("paths", nargs=-1, required=True)
@click.option("--until", callback=parse_as_of, metavar="YYYY-MM-DD", help="Last day of the horizon.")
@click.option("--days", type=click.IntRange(min=0, max=36600), help="Horizon in days after the evaluation date.")
@format_option(FORECAST)
@as_of_for("each snapshot's capturedAt")
@config_option
@policy_dir_option
@selection_options
@click.option("--every-day", is_flag=True, help="Evaluate every day of the horizon (the slow reference method).")
@output_option()
def forecast(until: str | None, days: int | None, every_day: bool, **params: Any) -> None:
    """Findings absent on the evaluation date that appear by the horizon (first day, and the
    day they go away), and those present today, for each snapshot (files, directories, -, as
    check reads them). Exit 0, or 1 for an invalid snapshot."""
    session = Session(RunOptions.of(params, fail_on="error"), tracking=True)
    finish(lambda: _forecast(session, until, days, every_day))


def _forecast(session: Session, until: str | None, days: int | None, every_day: bool) -> int:
    from wxcc_policy.evaluation.forecast import ForecastRun, forecast_paths, one_file_named
    from wxcc_policy.evaluation.run_header import run_header

    if (until is None) == (days is None):
        raise UsageError("give the horizon as exactly one of --until DATE or --days N")
    settings, policies = session.settings, session.policies
    forecasts = forecast_paths(settings, policies, until, days, every_day)
    run = ForecastRun(*run_header(policies), forecasts, one_file_named(settings.paths))
    session.emit(FORECAST.renderer(session.format_name(FORECAST))(run, session.color))
    return run.exit_code

"""`wxcc-policy forecast PATH... --until DATE | --days N`: the findings the calendar will bring."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import click

from wxcc_policy.commands.check import collection_paused
from wxcc_policy.commands.options import (
    as_of_option,
    config_option,
    parse_as_of,
    policy_dir_option,
    selection_options,
    use_color,
    write_output,
)
from wxcc_policy.errors import UsageError


@click.command()
@click.argument("paths", nargs=-1, required=True)
@click.option("--until", callback=parse_as_of, metavar="YYYY-MM-DD", help="Last day of the horizon.")
@click.option("--days", type=click.IntRange(min=0, max=36600), help="Horizon in days after the evaluation date.")
@click.option("--format", "fmt", type=click.Choice(["text", "json", "markdown"]), default=None, help="Output format [default: text].")
@as_of_option
@config_option
@policy_dir_option
@selection_options
@click.option("--every-day", is_flag=True, help="Evaluate every day of the horizon (the slow reference method).")
@click.option("--output", "-o", type=click.Path(dir_okay=False), help="Write the report to this file.")
def forecast(**opts: Any) -> None:
    """Findings absent on the evaluation date that appear by the horizon (first day, and the
    day they go away), and those present today, for each snapshot (files, directories, -, as
    check reads them). Exit 0, or 1 for an invalid snapshot."""
    with collection_paused():
        code = _forecast(opts)
    sys.exit(code)


def _forecast(opts: dict[str, Any]) -> int:
    from wxcc_policy import __version__
    from wxcc_policy.commands.check import check_settings
    from wxcc_policy.commands.config import DEFAULT_CONFIG, load_config
    from wxcc_policy.evaluation.forecast import forecast_paths, load_tracking_policy_set, one_file_named
    from wxcc_policy.evaluation.pipeline import TOOL_NAME
    from wxcc_policy.reporters.forecast_report import FORECAST_REPORTERS, ForecastRun

    if (opts["until"] is None) == (opts["days"] is None):
        raise UsageError("give the horizon as exactly one of --until DATE or --days N")
    config_path = opts["config_path"]
    config = load_config(Path(config_path or DEFAULT_CONFIG), explicit=config_path is not None)
    policies = load_tracking_policy_set([*config.policy_dirs, *(Path(d) for d in opts["policy_dirs"])])
    settings = check_settings({**opts, "fail_on": "error"}, config, policies)
    forecasts = forecast_paths(settings, policies, opts["until"], opts["days"], opts["every_day"])
    run = ForecastRun(TOOL_NAME, __version__, policies.digest, len(policies.policies), forecasts, one_file_named(opts["paths"]))
    fmt = opts["fmt"] or (config.format if config.format in FORECAST_REPORTERS else "text")
    output = opts["output"]
    write_output(FORECAST_REPORTERS[fmt](run, use_color() and output is None), output)
    return run.exit_code

"""`wxcc-policy report`: a portfolio report (HTML, Markdown, CSV, JSON) over many tenants,
or over the JSON parts of a sharded run (`--merge`)."""

from __future__ import annotations

import os
import sys
from typing import Any

import click

from wxcc_policy.commands.accepted_risk import baseline_option, waiver_options
from wxcc_policy.commands.check import check_settings, collection_paused, run_many
from wxcc_policy.commands.options import (
    SEVERITY_CHOICE,
    as_of_option,
    config_option,
    horizon_option,
    load,
    policy_dir_option,
    selection_options,
    write_output,
)
from wxcc_policy.commands.progress import many_files_options
from wxcc_policy.errors import UsageError

FORMAT_NAMES = ("html", "markdown", "csv", "json")
# Options that change how inputs are evaluated: the parts of a merge were evaluated already.
MERGE_IGNORES = {
    "as_of": "--as-of",
    "fail_on": "--fail-on",
    "config_path": "--config",
    "policy_dirs": "--policy-dir",
    "select": "--select",
    "skip": "--skip",
    "shard": "--shard",
    "waiver_files": "--waivers",
    "ignore_waivers": "--ignore-waivers",
    "fail_on_unused_waivers": "--fail-on-unused-waivers",
    "baseline_file": "--baseline",
    "horizon": "--horizon",
}


@click.command()
@click.argument("paths", nargs=-1, required=True)
@click.option("--output", "-o", type=click.Path(dir_okay=False), help="The report file; its extension names the format.")
@click.option("--format", "fmt", type=click.Choice(FORMAT_NAMES), default=None, help="html, markdown, csv or json [default: by extension].")
@click.option("--merge", is_flag=True, help="PATHS are JSON reports of shards (`--shard K/N --format json`): join them into one.")
@click.option(
    "--previous",
    multiple=True,
    type=click.Path(dir_okay=False),
    metavar="OLD.json",
    help="An earlier `report --format json`: show what changed since (repeatable: a trend, by run time).",
)
@as_of_option
@click.option("--fail-on", type=SEVERITY_CHOICE, default=None, help="Lowest severity that fails the run (exit 1) [default: error].")
@config_option
@policy_dir_option
@selection_options
@many_files_options
@waiver_options
@baseline_option
@horizon_option("Add a 'Coming up' section: the findings the next DAYS days will bring (see `forecast`).")
def report(**opts: Any) -> None:
    """Write a portfolio report over tenant snapshots (files or directories)."""
    with collection_paused():
        code = _report(opts)
    sys.exit(code)


def _report(opts: dict[str, Any]) -> int:
    from wxcc_policy.evaluation.history import compare, read_previous
    from wxcc_policy.reporters.portfolio import FORMATS, format_for, summary_text
    from wxcc_policy.reporters.portfolio.model import generated_at

    fmt = format_for(opts["output"], opts["fmt"])
    if fmt is None:
        raise UsageError("say which format: --format html|markdown|csv|json, or an -o file ending in .html, .md, .csv or .json")
    stamp = generated_at(dict(os.environ))
    previous = [read_previous(path) for path in opts["previous"]]  # before the run: a bad file fails fast
    portfolio = _merged(opts, stamp) if opts["merge"] else _checked(opts, stamp)
    if previous:
        portfolio["portfolio"]["previous"] = compare(portfolio, previous)
    write_output(FORMATS[fmt](portfolio), opts["output"])
    if not portfolio["summary"]["passed"]:  # a CI log shows why the step failed (the report is elsewhere)
        click.echo(summary_text(portfolio), err=True)
    return 0 if portfolio["summary"]["passed"] else 1


def _checked(opts: dict[str, Any], stamp: str) -> dict[str, Any]:
    from wxcc_policy.commands.accepted_risk import apply_accepted_risk, load_accepted_risk
    from wxcc_policy.reporters.portfolio.model import build, per_file

    horizon = opts["horizon"]
    if horizon is not None:  # before the policies are compiled (lang/tracking.py)
        from wxcc_policy.lang.tracking import install_builtin_tracking

        install_builtin_tracking()
    config, policies = load(opts["config_path"], opts["policy_dirs"])
    settings = check_settings(opts, config, policies)
    risk = load_accepted_risk(opts, config, policies)
    run, extras = run_many(opts, settings, policies, extra=per_file(horizon))
    run = apply_accepted_risk(run, risk, opts, config, settings.policy_ids)
    shard = str(opts["shard"]) if opts["shard"] else None
    return build(run, extras, policies, settings, stamp, shard, horizon)


def _merged(opts: dict[str, Any], stamp: str) -> dict[str, Any]:
    from wxcc_policy.reporters.portfolio.model import merge

    ignored = [flag for name, flag in MERGE_IGNORES.items() if opts.get(name) not in (None, False, ())]
    if ignored:
        flags = ", ".join(ignored)
        raise UsageError(f"--merge joins finished parts: {flags} cannot change them (give them to the runs that made the parts)")
    return merge(list(opts["paths"]), stamp)

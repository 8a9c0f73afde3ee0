"""`wxcc-policy report`: a portfolio report (HTML, Markdown, CSV, JSON) over many tenants,
or over the JSON parts of a sharded run (`--merge`)."""

from __future__ import annotations

import os
from typing import Any

import click

from wxcc_policy.commands.accepted_risk import baseline_option, waiver_options
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
from wxcc_policy.errors import UsageError
from wxcc_policy.reporters import PORTFOLIO

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
@output_option("The report file; its extension names the format.")
@format_option(PORTFOLIO, "html, markdown, csv or json [default: by extension].")
@click.option("--merge", is_flag=True, help="PATHS are JSON reports of shards (`--shard K/N --format json`): join them into one.")
@click.option(
    "--previous",
    multiple=True,
    type=click.Path(dir_okay=False),
    metavar="OLD.json",
    help="An earlier `report --format json`: show what changed since (repeatable: a trend, by run time).",
)
@as_of_option
@fail_on_option()
@config_option
@policy_dir_option
@selection_options
@many_files_options
@waiver_options
@baseline_option
@horizon_option("Add a 'Coming up' section: the findings the next DAYS days will bring (see `forecast`).")
def report(merge: bool, previous: tuple[str, ...], **params: Any) -> None:
    """Write a portfolio report over tenant snapshots (files or directories)."""
    options = RunOptions.of(params)
    finish(lambda: _report(options, merge, previous))


def _report(options: RunOptions, merge: bool, previous_paths: tuple[str, ...]) -> int:
    from wxcc_policy.evaluation.history import compare, read_previous
    from wxcc_policy.reporters.portfolio import format_for, summary_text
    from wxcc_policy.reporters.portfolio.model import generated_at

    fmt = format_for(options.output, options.fmt)
    if fmt is None:
        raise UsageError("say which format: --format html|markdown|csv|json, or an -o file ending in .html, .md, .csv or .json")
    stamp = generated_at(dict(os.environ))
    previous = [read_previous(path) for path in previous_paths]  # before the run: a bad file fails fast
    session = Session(options)  # loads nothing until asked: a merge reads no policy
    portfolio = _merged(options, stamp) if merge else _checked(session, stamp)
    if previous:
        portfolio["portfolio"]["previous"] = compare(portfolio, previous)
    session.emit(PORTFOLIO.renderer(fmt)(portfolio))
    if not portfolio["summary"]["passed"]:  # a CI log shows why the step failed (the report is elsewhere)
        click.echo(summary_text(portfolio), err=True)
    return 0 if portfolio["summary"]["passed"] else 1


def _checked(session: Session, stamp: str) -> dict[str, Any]:
    from wxcc_policy.evaluation.report_extras import per_file
    from wxcc_policy.reporters.portfolio.model import build

    options, settings = session.options, session.settings
    risk = session.accepted_risk()
    run, extras = session.run(extra=per_file(options.horizon))
    run = session.judged(run, risk)
    shard = str(options.shard) if options.shard else None
    return build(run, extras, session.policies, settings, stamp, shard, options.horizon)


def _merged(options: RunOptions, stamp: str) -> dict[str, Any]:
    from wxcc_policy.evaluation.report_merge import merge

    ignored = [flag for name, flag in MERGE_IGNORES.items() if getattr(options, name) not in (None, False, ())]
    if ignored:
        flags = ", ".join(ignored)
        raise UsageError(f"--merge joins finished parts: {flags} cannot change them (give them to the runs that made the parts)")
    return merge(list(options.paths), stamp)

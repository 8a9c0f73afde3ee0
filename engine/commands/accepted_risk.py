"""Waivers and baselines on the command line: the options `check` and `baseline` share, and
the steps that apply them to a run after evaluation (docs/waivers.md)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple

import click

from wxcc_policy.commands.options import FC

if TYPE_CHECKING:  # the evaluation modules load with the commands that run, not at start-up
    from wxcc_policy.commands.run_options import RunOptions
    from wxcc_policy.evaluation.baseline import Baseline
    from wxcc_policy.evaluation.configuration import Config
    from wxcc_policy.evaluation.results import RunResult
    from wxcc_policy.evaluation.waivers import WaiverRule
    from wxcc_policy.rules.policy_set import PolicySet


def waiver_file_option(fn: FC) -> FC:
    return click.option(
        "--waivers",
        "waiver_files",
        multiple=True,
        type=click.Path(dir_okay=False),
        metavar="FILE",
        help="Waiver file (repeatable); joins the `waivers:` of the configuration.",
    )(fn)


def waiver_options(fn: FC) -> FC:
    """--waivers FILE, --ignore-waivers, --fail-on-unused-waivers."""
    fn = click.option("--fail-on-unused-waivers", is_flag=True, help="A waiver that matches no finding fails the run (exit 1).")(fn)
    fn = click.option("--ignore-waivers", is_flag=True, help="Report every finding as if no waiver existed (for audits).")(fn)
    return waiver_file_option(fn)


def baseline_option(fn: FC) -> FC:
    return click.option(
        "--baseline",
        "baseline_file",
        type=click.Path(dir_okay=False),
        metavar="FILE",
        help="Baseline of known findings (`wxcc-policy baseline`): only findings not in it fail the run.",
    )(fn)


class AcceptedRisk(NamedTuple):
    """What a run is judged against besides the policies: waivers, and a baseline."""

    waivers: tuple[WaiverRule, ...] = ()
    baseline: Baseline | None = None


def load_accepted_risk(options: RunOptions, config: Config, policies: PolicySet) -> AcceptedRisk:
    """Read before the run, so that a malformed waiver or baseline file stops it at once."""
    from wxcc_policy.evaluation.baseline import load_baseline

    name = options.baseline_file
    return AcceptedRisk(load_waivers(options, config, policies), load_baseline(Path(name)) if name else None)


def apply_accepted_risk(run: RunResult, risk: AcceptedRisk, options: RunOptions, config: Config, policy_ids: tuple[str, ...]) -> RunResult:
    """Waivers first (a waived finding never fails), then the baseline (an existing one neither)."""
    from wxcc_policy.evaluation.baseline import compare

    run = waive(run, risk.waivers, options, config, policy_ids)
    return run if risk.baseline is None else compare(run, risk.baseline, policy_ids).run


def load_waivers(options: RunOptions, config: Config, policies: PolicySet) -> tuple[WaiverRule, ...]:
    """The configuration's waivers, then each --waivers file's, in order (the first that
    matches a finding waives it). None with --ignore-waivers: those files are not even read."""
    from wxcc_policy.evaluation.waivers import check_policy_ids, load_waiver_file

    if options.ignore_waivers:
        return ()
    rules: tuple[WaiverRule, ...] = config.waivers
    for name in options.waiver_files:
        rules += load_waiver_file(Path(name), config.max_waiver_days)
    check_policy_ids(rules, [p.info.id for p in policies.policies])
    return rules


def waive(run: RunResult, rules: tuple[WaiverRule, ...], options: RunOptions, config: Config, policy_ids: tuple[str, ...]) -> RunResult:
    if options.ignore_waivers:
        return run
    from wxcc_policy.evaluation.waivers import WaiverSettings, apply_waivers

    return apply_waivers(run, WaiverSettings(rules, policy_ids, config.waiver_warning_days, options.fail_on_unused_waivers))

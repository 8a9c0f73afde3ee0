"""`wxcc-policy test`: run policy test files."""

from __future__ import annotations

import sys

import click

from wxcc_policy.commands.options import config_option, policy_dir_option
from wxcc_policy.commands.run_options import RunOptions
from wxcc_policy.commands.session import Session
from wxcc_policy.reporters import TEST


@click.command("test")
@click.argument("paths", nargs=-1, required=True)
@click.option(
    "--format", "fmt", type=click.Choice(TEST.names), default="text", help="text: a line per case; json: for tools [default: text]."
)
@config_option
@policy_dir_option
def test_command(paths: tuple[str, ...], fmt: str, config_path: str | None, policy_dirs: tuple[str, ...]) -> None:
    """Run policy test files (*.test.yaml, or directories of them)."""
    from wxcc_policy.evaluation.policy_tests import run_test_files

    session = Session(RunOptions(config_path=config_path, policy_dirs=policy_dirs))
    report = run_test_files(paths, session.policies, session.config.limits)
    click.echo(TEST.renderer(fmt)(report), nl=False)
    sys.exit(0 if report.passed else 1)

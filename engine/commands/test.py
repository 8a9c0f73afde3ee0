"""`wxcc-policy test`: run policy test files."""

from __future__ import annotations

import sys

import click

from wxcc_policy.commands.options import config_option, load, policy_dir_option


@click.command("test")
@click.argument("paths", nargs=-1, required=True)
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text")
@config_option
@policy_dir_option
def test_command(paths: tuple[str, ...], fmt: str, config_path: str | None, policy_dirs: tuple[str, ...]) -> None:
    """Run policy test files (*.test.yaml, or directories of them)."""
    from wxcc_policy.evaluation.policy_tests import run_test_files
    from wxcc_policy.reporters.policy_tests import TEST_RENDERERS

    config, loaded = load(config_path, policy_dirs)
    report = run_test_files(paths, loaded, config.limits)
    click.echo(TEST_RENDERERS[fmt](report), nl=False)
    sys.exit(0 if report.passed else 1)

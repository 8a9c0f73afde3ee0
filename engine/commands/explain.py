"""`wxcc-policy explain`: a policy's documentation, or why it fired on a snapshot."""

from __future__ import annotations

import sys

import click

from wxcc_policy.commands.options import config_option, load, parse_as_of, policy_dir_option
from wxcc_policy.inputs.discovery import input_path


@click.command()
@click.argument("policy_id")
@click.argument("snapshot", required=False)
@click.option("--key", help="Explain only the finding with this key.")
@click.option(
    "--format", "fmt", type=click.Choice(["text", "json"]), default="text", help="json: schemas/explanation.schema.json (with a snapshot)."
)
@click.option("--as-of", callback=parse_as_of, metavar="YYYY-MM-DD", help="Evaluation date.")
@config_option
@policy_dir_option
def explain(
    policy_id: str,
    snapshot: str | None,
    key: str | None,
    fmt: str,
    as_of: str | None,
    config_path: str | None,
    policy_dirs: tuple[str, ...],
) -> None:
    """Show a policy's documentation, or why it fired (or did not) on a snapshot."""
    from wxcc_policy.commands.config import policy_parameters
    from wxcc_policy.commands.explanation import explain_findings, explain_policy

    config, loaded = load(config_path, policy_dirs)
    params = policy_parameters(loaded, config)
    if snapshot is None:
        click.echo(explain_policy(loaded, policy_id, params), nl=False)
        return
    text, code = explain_findings(loaded, policy_id, params, input_path(snapshot), key, as_of, fmt, config.limits)
    click.echo(text, nl=False, err=code != 0)  # a diagnostic (no such key, an invalid snapshot) is not a report
    sys.exit(code)

"""`wxcc-policy explain`: a policy's documentation, or why it fired on a snapshot."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from wxcc_policy.commands.options import config_option, load, parse_as_of, policy_dir_option


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
    from wxcc_policy.evaluation.explanation import NotExplained, explain_snapshot, find_policy
    from wxcc_policy.reporters.explanation import render_policy, render_text
    from wxcc_policy.reporters.explanation_json import render_json

    config, loaded = load(config_path, policy_dirs)
    params = policy_parameters(loaded, config)
    if snapshot is None:
        click.echo(render_policy(find_policy(loaded, policy_id), params[policy_id], loaded.entries), nl=False)
        return
    explained = explain_snapshot(loaded, policy_id, params, Path(snapshot), key, as_of, config.limits)
    if isinstance(explained, NotExplained):  # a diagnostic (no such key, an invalid snapshot) is not a report
        click.echo(explained.message, nl=False, err=True)
        sys.exit(1)
    click.echo({"text": render_text, "json": render_json}[fmt](explained), nl=False)
    sys.exit(0)

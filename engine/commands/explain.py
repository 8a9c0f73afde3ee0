"""`wxcc-policy explain`: a policy's documentation, or why it fired on a snapshot."""

from __future__ import annotations

import sys

import click

from wxcc_policy.commands.options import as_of_for, config_option, policy_dir_option
from wxcc_policy.commands.run_options import RunOptions
from wxcc_policy.commands.session import Session
from wxcc_policy.errors import UsageError
from wxcc_policy.reporters import EXPLAIN


@click.command()
@click.argument("policy_id")
@click.argument("snapshot", required=False)
@click.option("--key", metavar="KEY", help="Explain only the finding with this key.")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(EXPLAIN.names),
    default="text",
    help="json: schemas/explanation.schema.json (with a snapshot) [default: text].",
)
@as_of_for("the snapshot's capturedAt")
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
    from wxcc_policy.evaluation.explanation import NotExplained, explain_snapshot, find_policy
    from wxcc_policy.reporters.explanation import render_policy

    session = Session(RunOptions(config_path=config_path, policy_dirs=policy_dirs))
    config, loaded, params = session.config, session.policies, session.parameters
    if snapshot is None:
        _refuse_options_without_snapshot(fmt, key, as_of)
        click.echo(render_policy(find_policy(loaded, policy_id), params[policy_id], loaded.entries), nl=False)
        return
    explained = explain_snapshot(loaded, policy_id, params, snapshot, key, as_of, config.limits)
    if isinstance(explained, NotExplained):  # a diagnostic (no such key, an invalid snapshot) is not a report
        click.echo(explained.message, nl=False, err=True)
        sys.exit(1)
    click.echo(EXPLAIN.renderer(fmt)(explained), nl=False)
    sys.exit(0)


def _refuse_options_without_snapshot(fmt: str, key: str | None, as_of: str | None) -> None:
    """The documentation alone has no finding, date or JSON shape: ignoring these options
    would hand a tool text where it asked for JSON."""
    given = [name for name, used in (("--format json", fmt != "text"), ("--key", key), ("--as-of", as_of)) if used]
    if given:
        raise UsageError(f"{', '.join(given)}: only with a SNAPSHOT (without one, explain prints the policy's documentation)")

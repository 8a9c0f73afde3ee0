"""`wxcc-policy policies`: the loaded policy catalog."""

from __future__ import annotations

from typing import Any

import click

from wxcc_policy.commands.options import config_option, format_option, output_option, policy_dir_option
from wxcc_policy.commands.run_options import RunOptions
from wxcc_policy.commands.session import Session
from wxcc_policy.reporters import CATALOG


@click.command()
@format_option(CATALOG, "text: one line each; markdown: the full catalog; json: machine-readable [default: text].")
@config_option
@policy_dir_option
@output_option("Write to this file.")
def policies(**params: Any) -> None:
    """List the loaded policies (built-in and user's)."""
    session = Session(RunOptions.of(params))
    fmt = session.options.fmt or "text"
    session.emit(CATALOG.renderer(fmt)(session.policies, session.parameters))

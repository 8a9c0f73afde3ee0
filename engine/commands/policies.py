"""`wxcc-policy policies`: the loaded policy catalog."""

from __future__ import annotations

import click

from wxcc_policy.commands.options import config_option, load, policy_dir_option, write_output


@click.command()
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["text", "markdown", "json"]),
    default="text",
    help="text: one line each; markdown: the full catalog; json: machine-readable.",
)
@config_option
@policy_dir_option
@click.option("--output", "-o", type=click.Path(dir_okay=False), help="Write to this file.")
def policies(fmt: str, config_path: str | None, policy_dirs: tuple[str, ...], output: str | None) -> None:
    """List the loaded policies (built-in and user's)."""
    from wxcc_policy.commands.config import policy_parameters
    from wxcc_policy.reporters.catalog import CATALOG_FORMATS

    config, loaded = load(config_path, policy_dirs)
    write_output(CATALOG_FORMATS[fmt](loaded, policy_parameters(loaded, config)), output)

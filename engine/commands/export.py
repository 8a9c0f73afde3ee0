"""`wxcc-policy export webex`: tenant snapshots from the Webex APIs and commercial records.

Thin: the options become an `ExportRequest`, and adapters/webex does the work."""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from wxcc_policy.errors import UsageError

if TYPE_CHECKING:
    from wxcc_policy.adapters.webex.export import ExportRequest, Io


@click.group()
def export() -> None:
    """Build tenant snapshots from a live system (docs/export.md)."""


@export.command()
@click.option("--org", metavar="ORG_ID", help="The customer org to export (its Webex id or UUID).")
@click.option("--partner", is_flag=True, help="Every customer org the token's partner admin manages, into --out-dir.")
@click.option("--output", "-o", type=click.Path(dir_okay=False), help="The snapshot file (.json or .yaml) [default: standard output].")
@click.option("--out-dir", type=click.Path(file_okay=False), help="With --partner: one snapshot per org, named by the org's UUID.")
@click.option("--format", "fmt", type=click.Choice(["json", "yaml"]), help="Snapshot format [default: by the extension, else json].")
@click.option(
    "--commercial",
    multiple=True,
    metavar="FILE",
    help="Commercial records: a CSV per kind of record, KIND=FILE, or one YAML file (repeatable; docs/export.md).",
)
@click.option(
    "--commercial-template",
    type=click.Path(dir_okay=False),
    help="Write the subscriptions CSV skeleton for every subscription found, instead of a snapshot.",
)
@click.option("--save-responses", type=click.Path(file_okay=False), help="Keep every API response in DIR (never the token).")
@click.option("--from-responses", type=click.Path(file_okay=False, exists=True), help="Rebuild offline from responses saved in DIR.")
@click.option("--token-file", type=click.Path(dir_okay=False, exists=True), help="Read the token from FILE [default: WEBEX_ACCESS_TOKEN].")
@click.option(
    "--region",
    type=click.Choice(["us1", "eu1", "eu2", "anz1", "ca1", "jp1", "sg1"]),
    default="us1",
    show_default=True,
    help="Contact Center region.",
)
@click.option("--cc-base-url", metavar="URL", help="Contact Center API base URL [default: https://api.wxcc-REGION.cisco.com].")
@click.option("--api-base-url", metavar="URL", default="https://webexapis.com/v1", show_default=True, help="Webex API base URL.")
@click.option("--max-rate", type=click.FloatRange(min=1), default=270, show_default=True, help="Requests per minute to each API, at most.")
@click.option("--timeout", type=click.FloatRange(min=0.1), default=30, show_default=True, help="Seconds to wait for an answer.")
@click.option(
    "--retries",
    type=click.IntRange(min=0, max=20),
    default=5,
    show_default=True,
    help="Tries again after a 429, a 5xx, a timeout or a connection error.",
)
@click.option(
    "--jobs", "-j", type=click.IntRange(min=1, max=64), default=4, show_default=True, help="With --partner: orgs exported at once."
)
def webex(**opts: Any) -> None:
    """Export a tenant snapshot from the Webex Admin and Contact Center APIs.

    Exit 0: written; 1: the data is wrong or incomplete (a subscription without its
    commercial row, a malformed response; with --partner, some org); 2: the export could
    not run (refused token, missing scope, no answer, bad option)."""
    from wxcc_policy.adapters.webex import export_webex

    sys.exit(export_webex(_request(opts), _io()))


def _request(opts: dict[str, Any]) -> ExportRequest:
    """click's parameters as the typed request the adapter takes: no option dict goes further."""
    from wxcc_policy.adapters.webex import ExportRequest

    cc_base = opts["cc_base_url"] or f"https://api.wxcc-{opts['region']}.cisco.com"
    fields = {k: opts[k] for k in ("org", "partner", "output", "out_dir", "fmt", "commercial_template", "save_responses", "from_responses")}
    limits = {"max_rate": opts["max_rate"], "timeout": opts["timeout"], "retries": opts["retries"], "jobs": opts["jobs"]}
    return ExportRequest(
        **fields, **limits, commercial=tuple(opts["commercial"]), token=_token(opts), api_base_url=opts["api_base_url"], cc_base_url=cc_base
    )


def _token(opts: dict[str, Any]) -> str:
    if opts["from_responses"]:
        return ""
    if opts["token_file"]:
        try:
            return Path(opts["token_file"]).read_text(encoding="utf-8").strip()
        except (OSError, UnicodeDecodeError):
            raise UsageError("cannot read the token file", opts["token_file"]) from None
    return os.environ.get("WEBEX_ACCESS_TOKEN", "").strip()


def _io() -> Io:
    from wxcc_policy.adapters.webex.export import Io
    from wxcc_policy.outputs.writing import write_output
    from wxcc_policy.reporters.portfolio.model import generated_at

    def write(path: Path, text: str) -> None:
        write_output(text, None if str(path) == "-" else str(path))

    def say(line: str) -> None:
        click.echo(f"wxcc-policy: {line}", err=True)

    return Io(write, say, lambda: generated_at(dict(os.environ)), _progress() if sys.stderr.isatty() else None)


def _progress() -> Any:
    """The progress bar, cleared when the last org is done (before the closing lines)."""
    from wxcc_policy.commands.progress import ProgressBar

    bar = ProgressBar(sys.stderr)

    def progress(done: int, total: int) -> None:
        bar(done, total)
        if done == total:
            bar.close()

    return progress

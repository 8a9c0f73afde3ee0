"""Command line: the command group, and the mapping of outcomes to exit codes.

Each subcommand lives in `commands/`; heavy modules are imported inside the commands
that need them, to keep start-up short.
"""

from __future__ import annotations

import gc
import os
import sys

import click

from wxcc_policy import __version__
from wxcc_policy.commands.check import check
from wxcc_policy.commands.explain import explain
from wxcc_policy.commands.policies import policies
from wxcc_policy.commands.test import test_command
from wxcc_policy.errors import UsageError

EXIT_USAGE = 2


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="wxcc-policy")
def cli() -> None:
    """Policy-as-code validator for Webex Contact Center tenants with several subscriptions."""


for _command in (check, policies, test_command, explain):
    cli.add_command(_command)


def main(argv: list[str] | None = None) -> int:
    try:
        cli.main(args=argv, prog_name="wxcc-policy", standalone_mode=False)
    except UsageError as exc:
        click.echo(f"wxcc-policy: error: {exc}", err=True)
        return EXIT_USAGE
    except click.exceptions.Exit as exc:
        return int(exc.exit_code)
    except click.ClickException as exc:
        exc.show()
        return EXIT_USAGE
    except click.Abort:
        return EXIT_USAGE
    except SystemExit as exc:
        return int(exc.code or 0)
    except Exception as exc:
        if os.environ.get("WXCC_POLICY_DEBUG"):
            raise
        click.echo(f"wxcc-policy: internal error: {type(exc).__name__}: {exc} (set WXCC_POLICY_DEBUG=1 for a traceback)", err=True)
        return EXIT_USAGE
    return 0


def run() -> None:
    """The console entry point: main(), then exit at once. Freeing a large snapshot's
    million objects at interpreter shutdown costs more than checking it (0.15 s and up
    for 100,000 users); output is flushed first, and nothing else is pending. For the same
    reason cyclic garbage collection stays off in this short-lived process: a run builds
    large acyclic documents, and re-enabling collection would start a full pass over them."""
    gc.disable()
    code = main()
    try:
        sys.stdout.flush()
        sys.stderr.flush()
    except (BrokenPipeError, OSError):
        code = code or 1
    os._exit(code)

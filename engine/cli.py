"""Command line: the command group, and the mapping of outcomes to exit codes.

Each subcommand lives in `commands/`; heavy modules are imported inside the commands
that need them, to keep start-up short.
"""

from __future__ import annotations

import gc
import os
import sys
from collections.abc import Callable

import click

from wxcc_policy import __version__
from wxcc_policy.errors import UsageError
from wxcc_policy.outputs.writing import start_run

EXIT_USAGE = 2


# Each command's module is imported when that command runs (or `--help` lists them all):
# a plain `check` then never loads the HTML portfolio, the Webex export, the language
# server or the forecast, (issue 21).
def _check() -> click.Command:
    from wxcc_policy.commands.check import check

    return check


def _policies() -> click.Command:
    from wxcc_policy.commands.policies import policies

    return policies


def _test() -> click.Command:
    from wxcc_policy.commands.test import test_command

    return test_command


def _explain() -> click.Command:
    from wxcc_policy.commands.explain import explain

    return explain


def _baseline() -> click.Command:
    from wxcc_policy.commands.baseline import baseline

    return baseline


def _report() -> click.Command:
    from wxcc_policy.commands.report import report

    return report


def _diff() -> click.Command:
    from wxcc_policy.commands.diff import diff

    return diff


def _plan() -> click.Command:
    from wxcc_policy.commands.plan import plan

    return plan


def _forecast() -> click.Command:
    from wxcc_policy.commands.forecast import forecast

    return forecast


def _export() -> click.Command:
    from wxcc_policy.commands.export import export  # issue 18: snapshots from the Webex APIs

    return export


def _schema() -> click.Command:
    from wxcc_policy.commands.schema import schema  # issue 22: the bundled schemas, for editors

    return schema


def _lsp() -> click.Command:
    from wxcc_policy.commands.lsp import lsp  # issue 22: the language server

    return lsp


def _fix() -> click.Command:
    from wxcc_policy.commands.fix import fix  # issue 20: the change that fixes the findings, proved

    return fix


COMMANDS: dict[str, Callable[[], click.Command]] = {
    "check": _check,
    "policies": _policies,
    "test": _test,
    "explain": _explain,
    "baseline": _baseline,
    "report": _report,
    "diff": _diff,
    "plan": _plan,
    "forecast": _forecast,
    "export": _export,
    "schema": _schema,
    "lsp": _lsp,
    "fix": _fix,
}


class LazyGroup(click.Group):
    """A command group whose subcommands are imported on first use."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(COMMANDS)

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name not in self.commands and cmd_name in COMMANDS:
            self.add_command(COMMANDS[cmd_name](), cmd_name)
        return self.commands.get(cmd_name)


@click.group(cls=LazyGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="wxcc-policy")
def cli() -> None:
    """Policy-as-code validator for Webex Contact Center tenants with several subscriptions."""


def main(argv: list[str] | None = None) -> int:
    start_run()
    try:
        cli.main(args=argv, prog_name="wxcc-policy", standalone_mode=False)
    except UsageError as exc:
        click.echo(f"wxcc-policy: error: {usage_error_message(exc, sys.argv[1:] if argv is None else argv)}", err=True)
        return EXIT_USAGE
    except click.exceptions.Exit as exc:
        return int(exc.exit_code)
    except click.ClickException as exc:
        click.echo(f"wxcc-policy: error: {usage_message(exc)}", err=True)
        return EXIT_USAGE
    except click.Abort:
        return EXIT_USAGE
    except SystemExit as exc:
        return int(exc.code or 0)
    except OSError as exc:  # the environment, not the tool: a full disk, a closed pipe
        where = f"{os.fsdecode(exc.filename)}: " if exc.filename else ""
        click.echo(f"wxcc-policy: error: {where}{exc.strerror or exc}", err=True)
        return EXIT_USAGE
    except Exception as exc:
        if os.environ.get("WXCC_POLICY_DEBUG"):
            raise
        click.echo(f"wxcc-policy: internal error: {type(exc).__name__}: {exc} (set WXCC_POLICY_DEBUG=1 for a traceback)", err=True)
        return EXIT_USAGE
    return 0


def usage_message(exc: click.ClickException) -> str:
    """click's usage errors in the tool's one style: one line, the command named, where to look."""
    message = " ".join(exc.format_message().split()).rstrip(".")
    ctx = getattr(exc, "ctx", None)
    if ctx is None:
        return message
    command = ctx.command_path.partition(" ")[2]
    return f"{command + ': ' if command else ''}{message} (see '{ctx.command_path} --help')"


def usage_error_message(exc: UsageError, argv: list[str]) -> str:
    """A located error names its file; an unlocated one is about the options, so it is put
    in click's usage-error style: the command named, and where to look."""
    command = " ".join(command_path(argv))
    if exc.where or not command:
        return str(exc)
    return f"{command}: {exc} (see 'wxcc-policy {command} --help')"


def command_path(argv: list[str]) -> list[str]:
    """The (sub)command names that argv selects, such as ["export", "webex"]."""
    path: list[str] = []
    group: click.Command = cli
    for word in argv:
        if not isinstance(group, click.Group) or word.startswith("-"):
            break
        found = group.get_command(click.Context(group), word)  # the lazy group imports it if need be
        if found is None:
            break
        group = found
        path.append(word)
    return path


def run() -> None:
    """The console entry point: main(), then exit at once. Freeing a large snapshot's
    million objects at interpreter shutdown costs more than checking it (0.15 s and up
    for 100,000 users); output is flushed first, and nothing else is pending. For the same
    reason cyclic garbage collection stays off in this short-lived process: a run builds
    large acyclic documents, and re-enabling collection would start a full pass over them."""
    gc.disable()
    code = main()
    try:
        if sys.stdout is not None:
            sys.stdout.flush()
    except OSError as exc:
        code = EXIT_USAGE  # the report did not get out
        click.echo(f"wxcc-policy: error: cannot write the report to standard output: {exc.strerror or exc}", err=True)
    try:
        if sys.stderr is not None:
            sys.stderr.flush()
    except OSError:
        code = code or EXIT_USAGE
    os._exit(code)

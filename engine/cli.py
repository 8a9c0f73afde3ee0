"""Command line: turns options into settings, calls the core, maps results to output and exit code.

Heavy modules are imported inside the commands that need them, to keep start-up short.
"""

from __future__ import annotations

import datetime as dt
import os
import sys
from pathlib import Path
from typing import Any

import click

from wxcc_policy import __version__
from wxcc_policy.errors import UsageError

SEVERITY_CHOICE = click.Choice(["error", "warning", "info"])
EXIT_USAGE = 2


def _as_of(ctx: click.Context, param: click.Parameter, value: str | None) -> str | None:
    if value is None:
        return None
    try:
        return dt.date.fromisoformat(value).isoformat() if len(value) == 10 else _bad_date(value)
    except ValueError:
        return _bad_date(value)


def _bad_date(value: str) -> str:
    raise click.BadParameter(f"{value!r} is not a date in the form YYYY-MM-DD")


def _use_color() -> bool:
    return sys.stdout.isatty() and "NO_COLOR" not in os.environ


def write_output(text: str, output: str | None) -> None:
    """Write to stdout, or atomically to a file (a reader never sees half of it)."""
    if output is None:
        click.echo(text, nl=False)
        return
    from wxcc_policy.atomic import write_atomic

    try:
        write_atomic(Path(output), text)
    except OSError as exc:
        raise UsageError(f"cannot write the report: {exc.strerror}", output) from None


def config_option(fn: Any) -> Any:
    return click.option("--config", "config_path", type=click.Path(dir_okay=False),
                        help="Configuration file [default: .wxcc-policy.yaml when present].")(fn)


def policy_dir_option(fn: Any) -> Any:
    return click.option("--policy-dir", "policy_dirs", multiple=True, type=click.Path(file_okay=False),
                        help="Directory of user policies and libraries (repeatable); they join the built-ins.")(fn)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="wxcc-policy")
def cli() -> None:
    """Policy-as-code validator for Webex Contact Center tenants with several subscriptions."""


@cli.command()
@click.argument("paths", nargs=-1, required=True)
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default=None,
              help="Output format [default: text].")
@click.option("--as-of", callback=_as_of, metavar="YYYY-MM-DD",
              help="Evaluation date [default: the date of each snapshot's capturedAt].")
@click.option("--fail-on", type=SEVERITY_CHOICE, default=None,
              help="Lowest severity that fails the run (exit 1) [default: error].")
@config_option
@policy_dir_option
@click.option("--select", multiple=True, metavar="ID", help="Run only these policies (repeatable).")
@click.option("--skip", multiple=True, metavar="ID", help="Do not run these policies (repeatable).")
@click.option("--output", "-o", type=click.Path(dir_okay=False), help="Write the report to this file.")
def check(paths: tuple[str, ...], fmt: str | None, as_of: str | None, fail_on: str | None,
          config_path: str | None, policy_dirs: tuple[str, ...], select: tuple[str, ...],
          skip: tuple[str, ...], output: str | None) -> None:
    """Check tenant snapshots (files, or directories of *.json, *.yaml, *.yml)."""
    import gc

    # A short-lived run that builds large acyclic documents: collection would only cost time.
    gc.disable()
    from wxcc_policy.checker import CheckSettings, run_check, select_policies
    from wxcc_policy.config import policy_parameters
    from wxcc_policy.reporters import REPORTERS

    config, policies = _load(config_path, policy_dirs)
    settings = CheckSettings(
        paths=paths,
        as_of=as_of,
        fail_on=fail_on or config.fail_on or "error",
        parameters=policy_parameters(policies, config),
        policy_ids=select_policies(policies, select or config.select, skip or config.skip),
    )
    run = run_check(settings, policies)
    renderer = REPORTERS[fmt or config.format or "text"]
    write_output(renderer(run, _use_color() and output is None), output)
    sys.exit(run.exit_code)


def _load(config_path: str | None, policy_dirs: tuple[str, ...]) -> tuple[Any, Any]:
    from wxcc_policy.config import DEFAULT_CONFIG, load_config
    from wxcc_policy.policyset import load_policy_set

    config = load_config(Path(config_path or DEFAULT_CONFIG), explicit=config_path is not None)
    dirs = [*config.policy_dirs, *(Path(d) for d in policy_dirs)]
    return config, load_policy_set(dirs)


@cli.command()
@click.option("--format", "fmt", type=click.Choice(["text", "markdown", "json"]), default="text",
              help="text: one line each; markdown: the full catalog; json: machine-readable.")
@config_option
@policy_dir_option
@click.option("--output", "-o", type=click.Path(dir_okay=False), help="Write to this file.")
def policies(fmt: str, config_path: str | None, policy_dirs: tuple[str, ...], output: str | None) -> None:
    """List the loaded policies (built-in and user's)."""
    from wxcc_policy.catalog import CATALOG_FORMATS
    from wxcc_policy.config import policy_parameters

    config, loaded = _load(config_path, policy_dirs)
    write_output(CATALOG_FORMATS[fmt](loaded, policy_parameters(loaded, config)), output)


@cli.command("test")
@click.argument("paths", nargs=-1, required=True)
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text")
@config_option
@policy_dir_option
def test_command(paths: tuple[str, ...], fmt: str, config_path: str | None, policy_dirs: tuple[str, ...]) -> None:
    """Run policy test files (*.test.yaml, or directories of them)."""
    from wxcc_policy.policytest import render_tests, run_test_files

    _, loaded = _load(config_path, policy_dirs)
    report = run_test_files(paths, loaded)
    click.echo(render_tests(report, fmt), nl=False)
    sys.exit(0 if report.passed else 1)


@cli.command()
@click.argument("policy_id")
@click.argument("snapshot", required=False)
@click.option("--key", help="Explain only the finding with this key.")
@click.option("--as-of", callback=_as_of, metavar="YYYY-MM-DD", help="Evaluation date.")
@config_option
@policy_dir_option
def explain(policy_id: str, snapshot: str | None, key: str | None, as_of: str | None,
            config_path: str | None, policy_dirs: tuple[str, ...]) -> None:
    """Show a policy's documentation, or why it fired (or did not) on a snapshot."""
    from wxcc_policy.config import policy_parameters
    from wxcc_policy.explain import explain_findings, explain_policy

    config, loaded = _load(config_path, policy_dirs)
    params = policy_parameters(loaded, config)
    if snapshot is None:
        click.echo(explain_policy(loaded, policy_id, params), nl=False)
        return
    text, code = explain_findings(loaded, policy_id, params, Path(snapshot), key, as_of)
    click.echo(text, nl=False)
    sys.exit(code)


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
        click.echo(f"wxcc-policy: internal error: {type(exc).__name__}: {exc} "
                   "(set WXCC_POLICY_DEBUG=1 for a traceback)", err=True)
        return EXIT_USAGE
    return 0


def run() -> None:
    """The console entry point: main(), then exit at once. Freeing a large snapshot's
    million objects at interpreter shutdown costs more than checking it (0.15 s and up
    for 100,000 users); output is flushed first, and nothing else is pending."""
    code = main()
    try:
        sys.stdout.flush()
        sys.stderr.flush()
    except (BrokenPipeError, OSError):
        code = code or 1
    os._exit(code)

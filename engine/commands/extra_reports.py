"""Several reports from one run: `--report FORMAT=PATH` (repeatable, or `reports:` in the
configuration) beside the report `--format` sends to stdout or `-o`.

A pipeline prints text to its log, uploads SARIF and publishes JUnit from one evaluation.
When the main report goes to a file, the summary line still goes to stderr, so that the CI
log is never empty.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import click

from wxcc_policy.commands.options import FC
from wxcc_policy.commands.run_options import ExtraReport, RunOptions
from wxcc_policy.errors import UsageError
from wxcc_policy.outputs.writing import plan_outputs
from wxcc_policy.reporters import CHECK

if TYPE_CHECKING:
    from wxcc_policy.evaluation.configuration import Config
    from wxcc_policy.evaluation.results import RunResult


def parse_reports(ctx: click.Context, param: click.Parameter, values: tuple[str, ...]) -> tuple[ExtraReport, ...]:
    return tuple(_parse(value) for value in values)


def _parse(value: str) -> ExtraReport:
    fmt, sep, path = value.partition("=")
    if not sep or not path:
        raise click.BadParameter(f"{value!r} is not FORMAT=PATH (for example sarif=wxcc.sarif)")
    if fmt not in CHECK:
        raise click.BadParameter(f"unknown format {fmt!r} in {value!r}; choose from {', '.join(CHECK.names)}")
    return ExtraReport(fmt, path)


def report_option(fn: FC) -> FC:
    return click.option(
        "--report",
        "reports",
        multiple=True,
        metavar="FORMAT=PATH",
        callback=parse_reports,
        help=f"Also write a report in FORMAT to PATH, atomically (repeatable; formats: {', '.join(CHECK.names)}).",
    )(fn)


def planned_reports(options: RunOptions, config: Config) -> tuple[ExtraReport, ...]:
    """The extra reports of this run: the command line's, else the configuration's. Checked
    before the run, so that a mistake costs no evaluation."""
    reports: tuple[ExtraReport, ...] = options.reports or tuple(ExtraReport(fmt, str(path)) for fmt, path in config.reports)
    plan_outputs([("-o", options.output), *((f"--report {r.fmt}", r.path) for r in reports)])
    taken = {_same_file(options.output): "-o"} if options.output else {}
    for path in [options.output, *(r.path for r in reports)]:
        require_directory(path)
    for report in reports:
        key = _same_file(report.path)
        if key in taken:
            raise UsageError(f"two reports would be written to the same file ({taken[key]} and --report {report.fmt}={report.path})")
        taken[key] = f"--report {report.fmt}={report.path}"
    return reports


def require_directory(path: str | None, what: str = "report") -> None:
    """An output is written atomically beside its path: its directory must exist. Checked
    before the run, not after a long evaluation."""
    if path is not None and not Path(path).parent.is_dir():
        raise UsageError(f"cannot write the {what}: No such file or directory ({Path(path).parent})", path)


def _same_file(path: str) -> str:
    return str(Path(path).resolve())


def write_reports(run: RunResult, reports: tuple[ExtraReport, ...]) -> None:
    from wxcc_policy.outputs.writing import write_output

    for report in reports:
        write_output(CHECK.renderer(report.fmt)(run, False), report.path)


def announce(run: RunResult, output: str | None) -> None:
    """The summary line on stderr when stdout shows no report (it went to `-o`)."""
    if output is not None:
        from wxcc_policy.reporters.problems import summary_text

        click.echo(summary_text(run), err=True)

"""`wxcc-policy baseline`: record today's findings, so that `check --baseline` fails on new ones only."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from wxcc_policy.commands.accepted_risk import waiver_file_option
from wxcc_policy.commands.extra_reports import require_directory
from wxcc_policy.commands.options import as_of_option, config_option, policy_dir_option, selection_options
from wxcc_policy.commands.progress import many_files_options
from wxcc_policy.commands.run_options import RunOptions
from wxcc_policy.commands.session import Session, finish
from wxcc_policy.errors import UsageError
from wxcc_policy.outputs.writing import write_file

if TYPE_CHECKING:
    from wxcc_policy.evaluation.baseline import BaselineEntry
    from wxcc_policy.evaluation.results import RunResult

DEFAULT_BASELINE = ".wxcc-baseline.json"  # hidden: a directory check never reads it as a snapshot
_SHOWN_NEW = 10  # new findings listed when an update is refused


@click.command()
@click.argument("paths", nargs=-1, required=True)
@click.option(
    "--output",
    "-o",
    default=DEFAULT_BASELINE,
    show_default=True,
    type=click.Path(dir_okay=False),
    help="The baseline file to write (with --update: to read and rewrite).",
)
@click.option("--update", is_flag=True, help="Rewrite the existing baseline: drop fixed entries; refuse new findings unless --accept-new.")
@click.option("--accept-new", is_flag=True, help="With --update: record new findings too.")
@as_of_option
@config_option
@policy_dir_option
@selection_options
@waiver_file_option
@many_files_options
def baseline(update: bool, accept_new: bool, **params: Any) -> None:
    """Record the current findings of snapshots in a baseline file (waived findings excluded)."""
    session = Session(RunOptions.of(params))
    finish(lambda: _baseline(session, update, accept_new))


def _baseline(session: Session, update: bool, accept_new: bool) -> int:
    from wxcc_policy.evaluation.baseline import compare, load_baseline, recorded, render_baseline, updated_entries

    output = session.options.output or DEFAULT_BASELINE
    if accept_new and not update:
        raise UsageError("--accept-new goes with --update (a new baseline records every finding anyway)")
    require_directory(output, "baseline")
    settings = session.settings
    risk = session.accepted_risk()
    previous = load_baseline(Path(output)) if update else None
    run, _ = session.run()
    run = session.judged(run, risk)
    if _refuse_invalid(run):
        return 1
    if previous is None:
        entries = recorded(run)
        message = f"{len(entries)} finding(s) recorded"
    else:
        comparison = compare(run, previous, settings.policy_ids)
        entries, new = updated_entries(comparison, accept_new)
        if new and not accept_new:
            return _refuse_new(new, previous.path)
        message = f"{len(entries)} finding(s) recorded: {len(comparison.fixed)} fixed removed, {len(new)} new added"
    _write_baseline(render_baseline(entries), Path(output), updating=previous is not None)
    click.echo(f"wxcc-policy: baseline {output}: {message}", err=True)
    return 0


def _write_baseline(text: str, path: Path, updating: bool) -> None:
    """Like any output, never over a file the run read, except the baseline an update reads
    in order to rewrite it."""
    write_file(path, text, "baseline", rewriting=updating)


def _refuse_invalid(run: RunResult) -> bool:
    """A file that could not be evaluated has unknown findings: recording none for it would
    make all of them `new` later. Its errors are shown; nothing is written."""
    invalid = [r for r in run.results if r.invalid]
    if invalid:
        from wxcc_policy.reporters.text_report import problem_lines

        for result in invalid:
            for line in problem_lines(result, color=False):
                click.echo(line, err=True)
        click.echo(f"wxcc-policy: baseline not written: {len(invalid)} invalid file(s)", err=True)
    return bool(invalid)


def _refuse_new(new: list[BaselineEntry], path: str) -> int:
    for entry in new[:_SHOWN_NEW]:
        click.echo(f"new: {entry.key}", err=True)
    more = f" (and {len(new) - _SHOWN_NEW} more)" if len(new) > _SHOWN_NEW else ""
    click.echo(
        f"wxcc-policy: baseline {path} not updated: {len(new)} new finding(s){more} are not in it; "
        "fix them, or record them with --accept-new",
        err=True,
    )
    return 1

"""`wxcc-policy fix SNAPSHOT... [-o CHANGE]`: the change that fixes the findings whose
policies declare a `fix:`, proved before it is written (evaluation/fixes.py).

One snapshot: the change to standard output or -o. Several (or directories): --paired
writes `X.change.json` (`.yaml` with --format yaml) beside each snapshot `X.json`, the
file `plan --paired` and the pre-commit plan hook judge; an existing one is replaced only
with --force.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from wxcc_policy.commands.options import (
    as_of_for,
    config_option,
    fail_on_option,
    format_option,
    output_option,
    policy_dir_option,
    selection_options,
)
from wxcc_policy.commands.run_options import RunOptions
from wxcc_policy.commands.session import Session, finish
from wxcc_policy.errors import UsageError
from wxcc_policy.reporters import FIX

if TYPE_CHECKING:
    from wxcc_policy.evaluation.fixes import FixedFile


@click.command()
@click.argument("paths", nargs=-1, required=True, metavar="SNAPSHOT...")
@format_option(FIX, "Change format [default: json, a JSON Patch]; yaml: the same with a comment naming the finding each operation fixes.")
@as_of_for("each snapshot's capturedAt")
@fail_on_option("Lowest severity that fails the run (exit 1) when it remains once the fixes are applied [default: error].")
@config_option
@policy_dir_option
@selection_options
@output_option("Write the change to this file (one snapshot only).")
@click.option("--paired", is_flag=True, help="Write X.change.json (or .yaml) beside each snapshot X.json|yaml|yml.")
@click.option("--force", is_flag=True, help="With --paired, replace change files that exist already.")
@click.option(
    "--in-place",
    is_flag=True,
    help="Edit each snapshot itself at the fixed values' spans (formatting and comments kept, atomically, mode kept); no change written.",
)
def fix(paired: bool, force: bool, in_place: bool, **params: Any) -> None:
    """Write the change (JSON Patch) that fixes the findings of SNAPSHOT whose policies declare a fix.

    Each operation is applied in memory and the snapshot checked again: it is written only
    when it resolves its finding and adds none. The snapshot is written only with --in-place.
    Exit 1 when findings at or above --fail-on remain once the fixes are applied.
    """
    session = Session(RunOptions.of(params))
    finish(lambda: _fix(session, _mode(paired, in_place), force))


def _mode(paired: bool, in_place: bool) -> str:
    if paired and in_place:
        raise UsageError("--paired writes change files and --in-place edits the snapshots: choose one")
    return "in-place" if in_place else "paired" if paired else "change"


def _fix(session: Session, mode: str, force: bool) -> int:
    from wxcc_policy.evaluation.fixes import fix_exit_code, fix_files
    from wxcc_policy.outputs.writing import plan_outputs

    _check_mode(session, mode)
    plan_outputs([("-o", session.options.output)])
    fixed = fix_files(session.options.paths, session.settings, session.policies)
    if mode == "change" and len(fixed) != 1:
        raise UsageError(f"fix writes one change for one snapshot (got {len(fixed)}); use --paired for a change file beside each")
    fmt = session.format_name(FIX, default="json")
    if mode == "paired":
        _write_paired(fixed, fmt, force)
    elif mode == "in-place":
        _edit_in_place(fixed)
    else:
        session.emit(FIX.renderer(fmt)(fixed[0][1]))
    _notes([f for _, f in fixed])
    return fix_exit_code((f for _, f in fixed), session.settings.fail_on)


def _check_mode(session: Session, mode: str) -> None:
    o = session.options
    if mode != "change" and o.output is not None:
        raise UsageError(f"--{mode} writes beside or into each snapshot: -o is for the change of one snapshot")
    if mode == "paired" and "-" in o.paths:
        raise UsageError("--paired writes a change file beside each snapshot: standard input (-) has no place beside it")
    if mode == "in-place" and (o.fmt is not None or "-" in o.paths):
        raise UsageError("--in-place edits snapshot files: it takes no --format and no standard input")


def _edit_in_place(fixed: list[tuple[Path, FixedFile]]) -> None:
    """The second exception to "input files are never modified" (docs/hardening.md): only
    when asked, and only the proved operations."""
    from wxcc_policy.outputs.in_place import edit_in_place

    for path, f in fixed:
        if f.operations:
            edit_in_place(path, f.operations)


def _write_paired(fixed: list[tuple[Path, FixedFile]], fmt: str, force: bool) -> None:
    from wxcc_policy.outputs.writing import write_file

    targets = [(path.with_name(f"{path.stem}.change.{fmt}"), f) for path, f in fixed]
    existing = [str(t) for t, _ in targets if t.exists()]
    if existing and not force:
        raise UsageError(f"{len(existing)} change file(s) exist already; --force replaces them", existing[0])
    for target, f in targets:
        write_file(target, FIX.renderer(fmt)(f), "change file")


def _notes(files: list[FixedFile]) -> None:
    """What was left out and what needs a choice, then the summary, on standard error."""
    from wxcc_policy.reporters.fix_patch import notes, summary

    for f in files:
        for line in notes(f):
            click.echo(line, err=True)
    click.echo(summary(files), err=True)

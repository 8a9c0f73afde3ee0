"""`wxcc-policy plan SNAPSHOT CHANGE`: judge a patch before applying it.

With --paired, each argument is a change file (or a directory of them) named
`X.change.json|yaml|yml`, judged against the snapshot `X.json` (else `X.yaml`, `X.yml`)
beside it, or a snapshot, judged with the change file beside it if there is one: the form
a pre-commit hook passes (inputs/pairs.py).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import click

from wxcc_policy.commands.diff import change_options, emit
from wxcc_policy.commands.run_options import RunOptions
from wxcc_policy.commands.session import Session, finish
from wxcc_policy.errors import UsageError


@click.command()
@click.argument("paths", nargs=-1, required=True, metavar="SNAPSHOT CHANGE | --paired PATH...")
@change_options("the snapshot's capturedAt (each snapshot's, with --paired)")
@click.option(
    "--paired",
    is_flag=True,
    help="PATHS are change files X.change.json|yaml|yml (or directories of them) beside their snapshots X.json|yaml|yml; "
    "a snapshot is judged with its change file, or left to `check` when it has none.",
)
@click.option("--write-after", type=click.Path(dir_okay=False), help="Also write the patched snapshot to this file (JSON, atomically).")
def plan(gate: str, paired: bool, write_after: str | None, **params: Any) -> None:
    """Judge a change file (JSON Patch or merge patch, JSON or YAML) against SNAPSHOT, in memory.

    Usage: plan SNAPSHOT CHANGE, or plan --paired CHANGE-OR-DIR... The snapshot is never written.
    Exit 1 when the patch cannot apply, breaks the schema, or adds a finding at or above --fail-on.
    """
    session = Session(RunOptions.of(params))
    finish(lambda: _plan(session, gate, paired, write_after))


def _plan(session: Session, gate: str, paired: bool, write_after: str | None) -> int:
    from wxcc_policy.evaluation.change import plan_files, plans
    from wxcc_policy.outputs.writing import plan_outputs

    plan_outputs([("--write-after", write_after), ("-o", session.options.output)])
    pairs = plans(session.options.paths, paired)
    if write_after and len(pairs) != 1:
        raise UsageError("--write-after needs exactly one snapshot and change")
    if write_after == "-":
        raise UsageError("--write-after takes a file: standard output (-) holds the report")
    results = []
    for snapshot, change in pairs:
        result, after = plan_files(snapshot, change, session.settings, session.policies)
        results.append(result)
        if write_after and after is not None:
            _write_after(write_after, after)
    return emit(session, gate, tuple(results))


def _write_after(path: str, data: Any) -> None:
    """Atomically, and never over a file the run read (the snapshot, the change, a policy,
    the configuration) or one of the tool's own."""
    from wxcc_policy.outputs.writing import write_file

    write_file(Path(path), json.dumps(data, indent=2, ensure_ascii=False) + "\n", "patched snapshot")

"""`wxcc-policy plan SNAPSHOT CHANGE`: judge a patch before applying it.

With --paired, each argument is a change file (or a directory of them) named
`X.change.json|yaml|yml`, judged against the snapshot `X.json` (else `X.yaml`, `X.yml`)
beside it, or a snapshot, judged with the change file beside it if there is one: the form
a pre-commit hook passes (inputs/pairs.py).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import click

from wxcc_policy.commands.check import collection_paused
from wxcc_policy.commands.diff import change_options, change_run, emit, settings_and_policies
from wxcc_policy.errors import UsageError
from wxcc_policy.inputs.pairs import paired


@click.command()
@click.argument("paths", nargs=-1, required=True)
@change_options
@click.option(
    "--paired",
    is_flag=True,
    help="PATHS are change files X.change.json|yaml|yml (or directories of them) beside their snapshots X.json|yaml|yml; "
    "a snapshot is judged with its change file, or left to `check` when it has none.",
)
@click.option("--write-after", type=click.Path(dir_okay=False), help="Also write the patched snapshot to this file (JSON, atomically).")
def plan(**opts: Any) -> None:
    """Judge a change file (JSON Patch or merge patch, JSON or YAML) against SNAPSHOT, in memory.

    Usage: plan SNAPSHOT CHANGE, or plan --paired CHANGE-OR-DIR... The snapshot is never written.
    Exit 1 when the patch cannot apply, breaks the schema, or adds a finding at or above --fail-on.
    """
    with collection_paused():
        code = _plan(opts)
    sys.exit(code)


def _plan(opts: dict[str, Any]) -> int:
    from wxcc_policy.evaluation.change import plan_files

    pairs = paired(opts["paths"]) if opts["paired"] else [_two(opts["paths"])]
    if opts["write_after"] and len(pairs) != 1:
        raise UsageError("--write-after needs exactly one snapshot and change")
    if opts["write_after"] == "-":
        raise UsageError("--write-after takes a file: standard output (-) holds the report")
    settings, policies, config = settings_and_policies(opts)
    results = []
    for snapshot, change in pairs:
        result, after = plan_files(snapshot, change, settings, policies)
        results.append(result)
        if opts["write_after"] and after is not None:
            _write_after(opts["write_after"], after, (snapshot, change))
    return emit(change_run(settings, policies, opts["gate"], tuple(results)), opts, config, settings, policies)


def _two(paths: tuple[str, ...]) -> tuple[str, str]:
    if len(paths) != 2:
        raise UsageError(f"plan takes SNAPSHOT CHANGE (got {len(paths)} path(s)); use --paired for change files beside their snapshots")
    return paths[0], paths[1]


def _write_after(path: str, data: Any, inputs: tuple[str, str]) -> None:
    """Atomically, and never over the snapshot or the change file themselves."""
    from wxcc_policy.reporters.output_files import refuse_inputs, write_report

    refuse_inputs(Path(path), [Path(p) for p in inputs])
    try:
        write_report(Path(path), json.dumps(data, indent=2, ensure_ascii=False) + "\n")
    except OSError as exc:
        raise UsageError(f"cannot write the patched snapshot: {exc.strerror}", path) from None

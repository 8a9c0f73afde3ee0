"""`wxcc-policy plan SNAPSHOT CHANGE`: judge a patch before applying it.

With --paired, each argument is a change file (or a directory of them) named
`X.change.json|yaml|yml`, judged against the snapshot `X.json` (else `X.yaml`, `X.yml`)
beside it: the form a pre-commit hook passes.
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
@click.argument("paths", nargs=-1, required=True, metavar="SNAPSHOT CHANGE | --paired CHANGE...")
@change_options("the snapshot's capturedAt (each snapshot's, with --paired)")
@click.option(
    "--paired",
    is_flag=True,
    help="PATHS are change files X.change.json|yaml|yml (or directories of them), each beside its snapshot X.json|yaml|yml.",
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
    from wxcc_policy.evaluation.change import plan_files
    from wxcc_policy.outputs.writing import plan_outputs

    plan_outputs([("--write-after", write_after), ("-o", session.options.output)])
    paths = session.options.paths
    pairs = paired_changes(paths) if paired else [_two(paths)]
    if write_after and len(pairs) != 1:
        raise UsageError("--write-after needs exactly one snapshot and change")
    results = []
    for snapshot, change in pairs:
        result, after = plan_files(snapshot, change, session.settings, session.policies)
        results.append(result)
        if write_after and after is not None:
            _write_after(write_after, after)
    return emit(session, gate, tuple(results))


def _two(paths: tuple[str, ...]) -> tuple[str, str]:
    if len(paths) != 2:
        raise UsageError(f"plan takes SNAPSHOT CHANGE (got {len(paths)} path(s)); use --paired for change files beside their snapshots")
    return paths[0], paths[1]


def paired_changes(paths: tuple[str, ...]) -> list[tuple[str, str]]:
    """(snapshot, change) for each change file named or found under a directory named."""
    changes: list[Path] = []
    for given in paths:
        path = Path(given)
        if path.is_dir():
            changes.extend(p for p in sorted(path.rglob("*")) if p.is_file() and is_change_file(p) and not _hidden(p, path))
        elif path.is_file():
            if not is_change_file(path):
                raise UsageError("not a change file (X.change.json, X.change.yaml or X.change.yml)", given)
            changes.append(path)
        else:
            raise UsageError("no such file or directory", given)
    return [(str(snapshot_for(c)), str(c)) for c in changes]


def is_change_file(path: Path) -> bool:
    from wxcc_policy.inputs.discovery import CHANGE_FILE_SUFFIXES

    return path.name.lower().endswith(CHANGE_FILE_SUFFIXES)


def _hidden(path: Path, root: Path) -> bool:
    return any(part.startswith(".") for part in path.relative_to(root).parts)


SNAPSHOT_SUFFIXES = (".json", ".yaml", ".yml")


def snapshot_for(change: Path) -> Path:
    stem = change.name[: change.name.lower().rindex(".change.")]
    for suffix in SNAPSHOT_SUFFIXES:
        candidate = change.with_name(stem + suffix)
        if candidate.is_file():
            return candidate
    raise UsageError(f"no snapshot {stem}.json, {stem}.yaml or {stem}.yml beside this change file", str(change))


def _write_after(path: str, data: Any) -> None:
    """Atomically, and never over a file the run read (the snapshot, the change, a policy,
    the configuration) or one of the tool's own."""
    from wxcc_policy.outputs.writing import write_file

    write_file(Path(path), json.dumps(data, indent=2, ensure_ascii=False) + "\n", "patched snapshot")

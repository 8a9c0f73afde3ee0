"""Where a rendered report goes: standard output, or a file by the rules of files.py (never
over a file the run read or one of the tool's own, atomically onto regular files;
docs/hardening.md). `text` may come in pieces (a long report, rendered as it is written)."""

from __future__ import annotations

import codecs
import os
import sys
from collections.abc import Iterable
from pathlib import Path

import click

from wxcc_policy.errors import UsageError
from wxcc_policy.inputs.files_read import files_read, forget_reads, note_outputs
from wxcc_policy.outputs.files import encoded, refuse_inputs, rendered_first, write_report


def start_run() -> None:
    """Each run (each main() call) guards its own inputs against its outputs."""
    forget_reads()


def plan_outputs(outputs: Iterable[tuple[str, str | None]]) -> None:
    """Every output this run will write, as (option, path), noted before the first is
    written: a refused one then leaves the others unwritten too (files.py)."""
    note_outputs(outputs)


def write_output(text: str | Iterable[str], output: str | None, what: str = "report") -> None:
    """To standard output (None, or `-` as for inputs), else to the file `output`."""
    if output is None or output == "-":
        write_stdout(text)
        return
    write_file(Path(output), text, what)


def write_file(path: Path, text: str | Iterable[str], what: str, rewriting: bool = False) -> None:
    """Atomically, never over a file the run read, except, when `rewriting`, the one file
    the command was asked to rewrite (`baseline --update`)."""
    read = files_read()
    refuse_inputs(path, [p for p in read if not _same_file(p, path)] if rewriting else read)
    try:
        write_report(path, text)
    except OSError as exc:
        raise UsageError(f"cannot write the {what}: {exc.strerror or exc}", str(path)) from None


def write_stdout(text: str | Iterable[str]) -> None:
    """A closed or full standard output is a one-line error (exit 2), not a lost report. A
    report in pieces is rendered whole (into a temporary file) before its first byte is
    shown: a failure midway shows no half report."""
    if sys.stdout is None:
        raise UsageError("cannot write the report: standard output is closed")
    blocks = rendered_first(encoded(text)) if not isinstance(text, str) else encoded(text)
    decoder = codecs.getincrementaldecoder("utf-8")()  # a block may end inside a character
    try:  # writing, or holding the rendered report in its temporary file
        for block in blocks:
            click.echo(decoder.decode(block), nl=False)
    except OSError as exc:
        raise UsageError(f"cannot write the report to standard output: {exc.strerror or exc}") from None


def _same_file(a: Path, b: Path) -> bool:
    try:
        return os.path.samefile(a, b)
    except OSError:
        return False

"""Which files a run reads: the files named, and the documents found under directories named."""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator
from pathlib import Path

from wxcc_policy.errors import UsageError
from wxcc_policy.inputs.documents import is_own_report
from wxcc_policy.inputs.file_bytes import STDIN, shown_path, stdin_bytes
from wxcc_policy.inputs.files_read import note_read
from wxcc_policy.inputs.readers import DOCUMENT_SUFFIXES, READERS, suffix_patterns

TEST_FILE_SUFFIXES = (".test.yaml", ".test.yml")  # policy test files: never snapshots, never policies
CHANGE_FILE_SUFFIXES = tuple(f".change{suffix}" for suffix in DOCUMENT_SUFFIXES)  # `plan --paired` change files: never snapshots
_CHANGE_FILES = "*.change." + "|".join(suffix[1:] for suffix in DOCUMENT_SUFFIXES)
SKIPPED = f"hidden files, *.test.yaml files, {_CHANGE_FILES} files, non-regular files and this tool's own reports are skipped"


def discover(paths: Iterable[str]) -> Iterator[tuple[Path, str]]:
    """Files named, and documents found under directories named (sorted; hidden files,
    policy test files, FIFOs and devices, and this tool's own reports skipped).

    A directory holding no snapshot is an error: a gate pointed at the wrong path must fail."""
    paths = list(paths)
    standard_input_once(paths)
    for given in paths:
        path = Path(given)
        if given == "-":  # standard input, read now: worker processes cannot read it
            stdin_bytes()
            yield STDIN, str(STDIN)
        elif path.is_dir():
            found = list(_documents_under(path))
            if not found:
                raise UsageError(f"no snapshot found under {shown_path(given)} ({suffix_patterns()}; {SKIPPED})", shown_path(given))
            yield from found
        elif os.path.lexists(path):  # a file, or something that is not one: its result says which
            note_read(path)
            yield path, shown_path(given)
        else:
            raise UsageError("no such file or directory", shown_path(given))


def standard_input_once(paths: Iterable[str]) -> None:
    if list(paths).count("-") > 1:
        raise UsageError("standard input (-) can be named only once: it holds one document")


def input_path(given: str) -> Path:
    """The path a command-line input names: `-` is standard input (read by `read_document`)."""
    return STDIN if given in ("-", str(STDIN)) else Path(given)


def shown_input(given: str) -> str:
    return str(STDIN) if given == "-" else given


def _documents_under(directory: Path) -> Iterator[tuple[Path, str]]:
    for found in sorted(directory.rglob("*")):
        relative = found.relative_to(directory).parts
        if (
            found.suffix.lower() in READERS
            and not found.name.endswith(TEST_FILE_SUFFIXES)
            and not found.name.lower().endswith(CHANGE_FILE_SUFFIXES)
            and not any(part.startswith(".") for part in relative)
            and found.is_file()
            and not _is_own_report(found)
        ):
            note_read(found)
            yield found, shown_path(found)


def _is_own_report(path: Path) -> bool:
    """A report of this tool (`check -o dir/report.json dir`) is not read back as a snapshot."""
    try:
        with open(path, "rb") as fh:
            return is_own_report(fh.read(512))
    except OSError:
        return False  # reading it will say why

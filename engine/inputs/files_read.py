"""The files a run has read, so that its report is never written over one of them.

The readers (discovery, read_document, read_yaml_file) note each file here; writing an
output (commands/options.py write_output) refuses a path that is one of them. `cli.main`
starts each run with an empty list. A command that reads a file by other means should
call `note_read` too.
"""

from __future__ import annotations

from pathlib import Path

_READ: dict[str, Path] = {}


def note_read(path: Path) -> None:
    _READ.setdefault(str(path), path)


def files_read() -> tuple[Path, ...]:
    return tuple(_READ.values())


def forget_reads() -> None:
    _READ.clear()

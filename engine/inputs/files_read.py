"""The files a run has read, and the outputs it will write, so that no output is ever
written over an input (outputs/files.py applies the rule).

The readers (discovery, read_document, read_yaml_file) note each file here; a command
notes every output it means to write (`note_outputs`) before it writes the first, so
that a refused output leaves the others unwritten too. `cli.main` starts each run with
empty lists. A command that reads a file by other means should call `note_read` too.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from wxcc_policy.errors import UsageError

_READ: dict[str, Path] = {}
_OUTPUTS: dict[str, Path] = {}


def note_read(path: Path) -> None:
    _READ.setdefault(str(path), path)


def files_read() -> tuple[Path, ...]:
    return tuple(_READ.values())


def note_outputs(outputs: Iterable[tuple[str, str | None]]) -> None:
    """The files this run will write, as (option, path); None and `-` (standard output)
    are no file, and an empty name is refused rather than silently ignored."""
    for option, path in outputs:
        if path == "":
            raise UsageError(f"{option} needs a file name (or - for standard output)")
        if path is not None and path != "-":
            _OUTPUTS.setdefault(path, Path(path))


def planned_outputs() -> tuple[Path, ...]:
    return tuple(_OUTPUTS.values())


def forget_reads() -> None:
    _READ.clear()
    _OUTPUTS.clear()

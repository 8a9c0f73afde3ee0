"""Writing a report to a file without ever destroying one (docs/hardening.md, "Output files").

- The output must not be a file the run read (an input, the configuration, a policy,
  library, waiver, baseline, change or test file), nor one of the tool's own files (its
  bundled schemas, policies, templates: anything in its installed package), named
  directly, through a symbolic link or by a hard link. Every output a run plans
  (inputs/files_read.py `note_outputs`) is checked before the first is written, so one
  refused output leaves the others unwritten too.
- A regular file is replaced atomically (written beside it, then renamed over it), so a
  reader never sees half a report. A new file gets the mode the umask gives; an existing
  one keeps its mode.
- A symbolic link is followed: the file it points to is replaced, the link stays.
- A file with several hard links is rewritten in place, so every link sees the report
  (renaming over one name would silently split it from the others).
- Anything else (a FIFO, a character device such as /dev/null or /dev/stdout) is written
  through, as a shell's `>` would; renaming over a device node would replace it.
"""

from __future__ import annotations

import importlib.util
import os
import stat
import tempfile
from collections.abc import Iterable, Iterator
from functools import cache
from pathlib import Path
from typing import Any

from wxcc_policy.errors import UsageError
from wxcc_policy.inputs.files_read import planned_outputs

# The packages whose files the tool reads at run time: its code, schemas, built-in
# policies and report templates (in an editable install, schemas and policies lie apart).
BUNDLED_PACKAGES = ("wxcc_policy", "wxcc_policy.schemas", "wxcc_policy.policies", "wxcc_policy.reporters.portfolio.templates")


class OutputRefused(UsageError):
    """The output path names a file the run read."""


def refuse_inputs(path: Path, read: Iterable[Path]) -> None:
    """Refuse an output, or any other output the run plans, that is (or resolves to, by
    link) one of the files the run read or one of the tool's own files."""
    sources = tuple(read)
    for target in dict.fromkeys([*planned_outputs(), path]):
        refuse_bundled(target)
        _refuse_read(target, sources)


def refuse_bundled(path: Path) -> None:
    """Nothing is written among the tool's own files: a report over its snapshot schema
    made every later run fail."""
    real = os.path.realpath(path)
    inside = next((d for d in bundled_directories() if real == d or real.startswith(d + os.sep)), None)
    if inside is not None:
        where = f"in {os.fsdecode(inside)!r}, the tool's own files"
        raise OutputRefused(f"the report would be written {where}; choose another output file", str(path))
    try:
        info = path.stat()
    except OSError:
        return
    if info.st_nlink > 1 and (info.st_dev, info.st_ino) in _bundled_files():
        raise OutputRefused("the report would overwrite one of the tool's own files (a hard link); choose another output file", str(path))


@cache
def bundled_directories() -> tuple[str, ...]:
    found: list[str] = []
    for package in BUNDLED_PACKAGES:
        try:
            spec = importlib.util.find_spec(package)
        except ModuleNotFoundError:
            continue
        if spec is not None:
            found.extend(os.path.realpath(d) for d in spec.submodule_search_locations or ())
    return tuple(dict.fromkeys(found))


@cache
def _bundled_files() -> frozenset[tuple[int, int]]:
    """(device, inode) of every file in the bundled directories, for hard links elsewhere."""
    found = set()
    for directory in bundled_directories():
        for root, _, names in os.walk(directory):
            for name in names:
                try:
                    info = os.stat(os.path.join(root, name))
                except OSError:
                    continue
                found.add((info.st_dev, info.st_ino))
    return frozenset(found)


def _refuse_read(path: Path, read: Iterable[Path]) -> None:
    try:
        target = path.stat()
    except OSError:
        return  # it does not exist (yet), so it was not read
    for source in read:
        try:
            same = os.path.samestat(target, source.stat())
        except OSError:
            continue
        if same:
            raise OutputRefused(
                f"the report would overwrite {os.fsdecode(source)!r}, which this run reads; choose another output file", str(path)
            )


def write_report(path: Path, text: str | Iterable[str]) -> None:
    """Write `text` (UTF-8; a string, or its pieces as they are rendered) to `path` by the rules above."""
    data = encoded(text)
    try:
        info = path.stat()  # follows symbolic links
    except FileNotFoundError:
        info = None
    if info is not None and stat.S_ISDIR(info.st_mode):
        raise IsADirectoryError(21, "Is a directory")
    if info is not None and not stat.S_ISREG(info.st_mode):
        _write_through(path, rendered_first(data))
    elif info is not None and info.st_nlink > 1:
        _write_in_place(path, rendered_first(data))
    else:
        _replace(Path(os.path.realpath(path)), data, None if info is None else stat.S_IMODE(info.st_mode))


_BLOCK = 1 << 16


def encoded(text: str | Iterable[str]) -> Iterator[bytes]:
    """UTF-8 blocks of at most 64 KiB (or one piece, when a piece is longer): a report
    rendered in pieces is never held whole. A stray surrogate (an undecodable file name)
    becomes a \\udcff escape, not a crash."""
    buffer = bytearray()
    for piece in [text] if isinstance(text, str) else text:
        data = piece.encode("utf-8", "backslashreplace")
        if buffer and len(buffer) + len(data) > _BLOCK:
            yield bytes(buffer)
            buffer.clear()
        if len(data) >= _BLOCK:
            yield data
        else:
            buffer += data
    if buffer:
        yield bytes(buffer)


_HELD_IN_MEMORY = 1 << 20


def rendered_first(blocks: Iterable[bytes]) -> Iterator[bytes]:
    """The blocks, once all are rendered: where a report cannot be written beside its
    target and renamed (standard output, a hard-linked file, a device), a failure while
    rendering must leave nothing written. They wait in memory up to 1 MiB, then in a
    temporary file (memory stays flat); where none can be made, or the disk fills up,
    in memory, as a whole report was before."""
    held: list[bytes] = []
    size = 0
    spill: Any = None
    may_spill = True
    try:
        for block in blocks:
            if spill is not None:
                try:
                    spill.write(block)
                    continue
                except OSError:  # the disk is full: back to memory, for good
                    held, spill, may_spill = _read_back(spill), None, False
            held.append(block)
            size += len(block)
            if may_spill and size > _HELD_IN_MEMORY:
                spill = _spill(held)
                held, may_spill = ([], True) if spill is not None else (held, False)
        if spill is None:
            yield from held
            return
        spill.seek(0)
        yield from iter(lambda: spill.read(_BLOCK), b"")
    finally:
        if spill is not None:
            spill.close()


def _spill(held: list[bytes]) -> Any:
    """A temporary file holding the blocks, or None where none can be made or written."""
    try:
        spill = tempfile.TemporaryFile()  # noqa: SIM115 (closed by rendered_first)
    except OSError:
        return None
    try:
        spill.writelines(held)
    except OSError:
        spill.close()
        return None
    return spill


def _read_back(spill: Any) -> list[bytes]:
    spill.seek(0)
    data = spill.read()
    spill.close()
    return [data]


def _write_through(path: Path, data: Iterable[bytes]) -> None:
    with open(path, "wb") as fh:
        fh.writelines(data)


def _write_in_place(path: Path, data: Iterable[bytes]) -> None:
    with open(path, "r+b") as fh:
        fh.writelines(data)
        fh.truncate()
        fh.flush()
        os.fsync(fh.fileno())


def _replace(target: Path, data: Iterable[bytes], mode: int | None) -> None:
    """Write beside the target, then rename over it (atomic on one file system)."""
    directory = target.parent if str(target.parent) else Path(".")
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=directory)
    try:
        os.fchmod(fd, _umask_mode() if mode is None else mode)
        with os.fdopen(fd, "wb") as fh:
            fh.writelines(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _umask_mode() -> int:
    """0o666 less the umask, as open(2) gives a new file (mkstemp makes it 0o600)."""
    mask = os.umask(0o022)
    os.umask(mask)
    return 0o666 & ~mask

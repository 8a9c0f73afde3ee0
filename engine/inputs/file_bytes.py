"""The bytes and text of one input file: a regular file read without blocking, standard
input read once, UTF-8 decoded with the position of a bad byte, and its name as reports
show it."""

from __future__ import annotations

import errno
import os
import stat
import sys
from pathlib import Path

from wxcc_policy.errors import InputError
from wxcc_policy.inputs.files_read import note_read
from wxcc_policy.inputs.positions import line_columns

# `-` on the command line: one document from standard input, shown as <stdin>.
STDIN = Path("<stdin>")


_STDIN_READ: list[tuple[object, bytes]] = []  # (the stream, its bytes): one entry


def stdin_bytes() -> bytes:
    """Standard input, read once per stream (discovery reads it before any worker process is
    forked; a new stream, as an embedding program or a test sets, is read anew)."""
    stream = sys.stdin
    if not _STDIN_READ or _STDIN_READ[0][0] is not stream:
        _STDIN_READ[:] = [(stream, stream.buffer.read())]
    return _STDIN_READ[0][1]


def read_regular_file(path: Path) -> bytes:
    """The bytes of a regular file. A FIFO, device or socket is refused before it is
    read: reading one can block forever or never end."""
    note_read(path)
    with open(path, "rb", opener=_open_nonblocking) as fh:
        if not stat.S_ISREG(os.fstat(fh.fileno()).st_mode):
            raise OSError(errno.EINVAL, "not a regular file (FIFOs, devices and sockets are not read)")
        return fh.read()


def _open_nonblocking(path: str, flags: int) -> int:
    # O_NONBLOCK: opening a FIFO for reading would otherwise wait for a writer.
    return os.open(path, flags | getattr(os, "O_NONBLOCK", 0))


def shown_path(path: Path | str) -> str:
    """A path as reports show it: always valid Unicode. A byte of a file name that is not
    UTF-8 is shown as `\\xff`, so a report never holds an undecodable character."""
    text = os.fspath(path)
    if text.isascii():
        return text
    return text.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")


class _Utf8Error(InputError):
    def __init__(self, message: str, line: int, column: int) -> None:
        super().__init__(message, 0)
        self.line, self.column = line, column


def decode_utf8(raw: bytes) -> str:
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        prefix = raw[: exc.start].decode("utf-8")
        (line, column) = line_columns(prefix + "\n", [len(prefix)])[len(prefix)]
        raise _Utf8Error(f"invalid UTF-8: byte 0x{raw[exc.start]:02x} at byte offset {exc.start}", line, column) from None
    # A byte-order mark is not content; editors do not count it as a column.
    return text[1:] if text.startswith("\ufeff") else text


def byte_position(exc: InputError) -> tuple[int, int]:
    """Where an error in undecodable bytes is: the bad byte's line and column."""
    if isinstance(exc, _Utf8Error):
        return exc.line, exc.column
    return 1, 1

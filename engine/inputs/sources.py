"""Reading input documents (JSON or YAML) into values that know their positions."""

from __future__ import annotations

import errno
import hashlib
import os
import re
import stat
import sys
import threading
from pathlib import Path
from typing import Any, NamedTuple, Protocol

from wxcc_policy.errors import InputError
from wxcc_policy.inputs.json_reader import JsonLocator, parse_json
from wxcc_policy.inputs.pointers import split_pointer
from wxcc_policy.inputs.positions import line_columns
from wxcc_policy.inputs.read_files import note_read
from wxcc_policy.inputs.yaml_reader import YamlLocator, parse_yaml

YAML_SUFFIXES = (".yaml", ".yml")
DOCUMENT_SUFFIXES = (".json", *YAML_SUFFIXES)
TEST_FILE_SUFFIXES = (".test.yaml", ".test.yml")  # policy test files: never snapshots, never policies
CHANGE_FILE_SUFFIXES = (".change.json", ".change.yaml", ".change.yml")  # `plan --paired` change files: never snapshots


class Locator(Protocol):
    def offset(self, parts: tuple[str, ...]) -> int: ...


class Position(NamedTuple):
    line: int
    column: int
    offset: int


class Document(NamedTuple):
    path: str
    text: str
    data: Any
    digest: str
    locator: Locator

    def positions(self, pointers: list[str]) -> dict[str, Position]:
        """Positions of the values the pointers name (of their nearest existing ancestor)."""
        offsets = {p: self.locator.offset(split_pointer(p)) for p in pointers}
        lines = line_columns(self.text, offsets.values())
        return {p: Position(*lines[off], off) for p, off in offsets.items()}


class ParseFailure(NamedTuple):
    path: str
    digest: str
    message: str
    line: int
    column: int


def read_document(path: Path, display: str | None = None) -> Document | ParseFailure:
    """Read and parse one file; a file that cannot be read or parsed is a value, not an exception."""
    shown = display or shown_path(path)
    try:
        raw = stdin_bytes() if path == STDIN else read_regular_file(path)
    except OSError as exc:
        return ParseFailure(shown, _Digest(b"").value(), f"cannot read: {exc.strerror or exc}", 1, 1)
    if is_own_report(raw):
        return ParseFailure(shown, _Digest(raw).value(), OWN_REPORT_MESSAGE, 1, 1)
    digest = _Digest(raw)
    text = ""
    try:
        text = decode_utf8(raw)
        del raw
        yaml_syntax = _looks_like_yaml(text) if path == STDIN else path.suffix.lower() in YAML_SUFFIXES
        document = parse_text(text, shown, "", yaml_syntax)
        return document._replace(digest=digest.value())  # joined only now: hashed while parsing
    except InputError as exc:
        line, column = line_columns(text, [exc.offset])[exc.offset] if text else _byte_position(exc)
        return ParseFailure(shown, digest.value(), exc.message, line, column)


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


def _looks_like_yaml(text: str) -> bool:
    """Standard input has no suffix: a document that opens with `{` or `[` is JSON."""
    return not text.lstrip("\ufeff \t\r\n").startswith(("{", "["))


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


# This tool's reports (reporters/): a JSON result or SARIF log naming the tool, or text
# report lines. A report written into a checked directory is not a snapshot: discovery
# skips it, and naming it gives this message (docs/hardening.md).
_OWN_REPORT = re.compile(
    rb'\A\s*\{.{0,400}?"tool"\s*:\s*\{\s*(?:"driver"\s*:\s*\{\s*)?"name"\s*:\s*"wxcc-policy"'
    rb"|\A[^\n]*:[0-9]+:[0-9]+: (?:error|warning|info) [^\n]"
    rb"|\A[0-9]+ files? checked: ",
    re.DOTALL,
)
OWN_REPORT_MESSAGE = "this is a wxcc-policy report, not a snapshot (reports found in a checked directory are skipped)"


def is_own_report(head: bytes) -> bool:
    return _OWN_REPORT.match(head[:512]) is not None


class _Digest:
    """SHA-256 of the input. For a large input it is computed in a thread while the
    main thread parses: hashlib releases the GIL, so the two run side by side."""

    _THREAD_FROM = 1 << 20

    def __init__(self, raw: bytes) -> None:
        self._hex: list[str] = []
        self._thread: threading.Thread | None = None
        if len(raw) < self._THREAD_FROM:
            self._hash(raw)
        else:
            self._thread = threading.Thread(target=self._hash, args=(raw,), daemon=True)
            self._thread.start()

    def _hash(self, raw: bytes) -> None:
        self._hex.append("sha256:" + hashlib.sha256(raw).hexdigest())

    def value(self) -> str:
        if self._thread is not None:
            self._thread.join()
        return self._hex[0]


def parse_text(text: str, path: str, digest: str, yaml_syntax: bool) -> Document:
    if not text or text.isspace():  # isspace stops at the first visible character
        raise InputError("the file is empty", 0)
    if yaml_syntax:
        data, root = parse_yaml(text)
        return Document(path, text, data, digest, YamlLocator(root))
    data = parse_json(text)
    return Document(path, text, data, digest, JsonLocator(text, data))


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


def _byte_position(exc: InputError) -> tuple[int, int]:
    if isinstance(exc, _Utf8Error):
        return exc.line, exc.column
    return 1, 1

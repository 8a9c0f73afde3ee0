"""Input documents (a snapshot, a change) read into values that know their positions.

The format is chosen by the file's suffix from the registry in inputs/readers.py.
"""

from __future__ import annotations

import hashlib
import re
import threading
from pathlib import Path
from typing import Any, NamedTuple

from wxcc_policy.errors import InputError
from wxcc_policy.inputs.file_bytes import STDIN, byte_position, decode_utf8, read_regular_file, shown_path, stdin_bytes
from wxcc_policy.inputs.pointers import split_pointer
from wxcc_policy.inputs.positions import line_columns
from wxcc_policy.inputs.readers import Locator, Reader, reader_for, sniffed_reader


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
        reader = sniffed_reader(text) if path == STDIN else reader_for(path.suffix)
        document = parse_text(text, shown, "", reader)
        return document._replace(digest=digest.value())  # joined only now: hashed while parsing
    except InputError as exc:
        line, column = line_columns(text, [exc.offset])[exc.offset] if text else byte_position(exc)
        return ParseFailure(shown, digest.value(), exc.message, line, column)


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


def parse_text(text: str, path: str, digest: str, reader: Reader) -> Document:
    if not text or text.isspace():  # isspace stops at the first visible character
        raise InputError("the file is empty", 0)
    data, locator = reader.read(text)
    return Document(path, text, data, digest, locator)

"""Reading input documents (JSON or YAML) into values that know their positions."""

from __future__ import annotations

import hashlib
import threading
from pathlib import Path
from typing import Any, NamedTuple, Protocol

from wxcc_policy.errors import InputError
from wxcc_policy.inputs.json_reader import JsonLocator, parse_json
from wxcc_policy.inputs.pointers import split_pointer
from wxcc_policy.inputs.positions import line_columns
from wxcc_policy.inputs.yaml_reader import YamlLocator, parse_yaml

YAML_SUFFIXES = (".yaml", ".yml")
DOCUMENT_SUFFIXES = (".json", *YAML_SUFFIXES)
TEST_FILE_SUFFIXES = (".test.yaml", ".test.yml")  # policy test files: never snapshots, never policies


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
    """Read and parse one file; a file that cannot be parsed is a value, not an exception."""
    shown = display or str(path)
    raw = path.read_bytes()
    digest = _Digest(raw)
    text = ""
    try:
        text = decode_utf8(raw)
        del raw
        document = parse_text(text, shown, "", yaml_syntax=path.suffix.lower() in YAML_SUFFIXES)
        return document._replace(digest=digest.value())  # joined only now: hashed while parsing
    except InputError as exc:
        line, column = line_columns(text, [exc.offset])[exc.offset] if text else _byte_position(exc)
        return ParseFailure(shown, digest.value(), exc.message, line, column)


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

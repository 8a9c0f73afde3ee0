"""What an edit of a snapshot's text needs to know about its layout: line starts and ends,
indentation, the line break in use (inputs/text_edits.py)."""

from __future__ import annotations

import re
from typing import NamedTuple

from wxcc_policy.errors import EditRefused

_INDENTED = re.compile(r"^([ \t]+)[^ \t\r\n#]", re.MULTILINE)


class Edit(NamedTuple):
    """Replace text[start:end] with `text` (an insertion when start == end)."""

    start: int
    end: int
    text: str


def newline_of(text: str) -> str:
    """The document's line break: CRLF when it has one, else LF."""
    return "\r\n" if "\r\n" in text else "\n"


def indent_unit(text: str, default: str = "  ") -> str:
    """The indentation of the first indented line: one level of the document's nesting."""
    match = _INDENTED.search(text)
    return match.group(1) if match else default


def line_start(text: str, offset: int) -> int:
    """The start of the line holding `offset` (after LF, CRLF or CR); a CR is looked for
    only after the last LF, so that a text without one is not scanned to its start."""
    newline = text.rfind("\n", 0, offset)
    return max(newline, text.rfind("\r", newline + 1, offset)) + 1


def line_end(text: str, offset: int) -> int:
    """Where the line holding `offset` ends, before its line break (CR, LF or CRLF)."""
    newline = text.find("\n", offset)
    stop = len(text) if newline < 0 else newline
    carriage = text.find("\r", offset, stop)
    return stop if carriage < 0 else carriage


def after_line(text: str, offset: int) -> int:
    """The start of the line after the one holding `offset` (the end of the text on the last)."""
    end = line_end(text, offset)
    return end + 2 if text.startswith("\r\n", end) else min(end + 1, len(text))


def indentation(text: str, offset: int) -> str:
    """The leading white space of the line holding `offset`."""
    start = line_start(text, offset)
    line = text[start:offset]
    return line[: len(line) - len(line.lstrip(" \t"))]


def starts_line(text: str, offset: int) -> bool:
    """Whether only white space precedes `offset` on its line."""
    return not text[line_start(text, offset) : offset].strip(" \t")


def column_of(text: str, offset: int) -> int:
    """0-based characters from the line start to `offset`."""
    return offset - line_start(text, offset)


def insert_position(part: str, length: int, offset: int) -> int | None:
    """Where JSON Patch `add` inserts into an array of `length`: None at the end (`-`),
    else before that index; refused at `offset` (the array) for an index past the end."""
    if part == "-" or (part.isdigit() and int(part) == length):
        return None
    if part.isdigit() and int(part) < length:
        return int(part)
    raise EditRefused(f"no array index {part!r} to add at (the array has {length} elements)", offset)

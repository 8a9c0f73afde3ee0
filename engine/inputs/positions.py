"""Turning character offsets into 1-based (line, column) pairs.

Lines end at LF, CRLF or CR; columns count code points. Offsets are resolved
in one sorted sweep, so locating many findings stays linear in the text size.
"""

from __future__ import annotations

from collections.abc import Iterable


def line_column(text: str, offset: int) -> tuple[int, int]:
    return line_columns(text, [offset])[offset]


def line_columns(text: str, offsets: Iterable[int]) -> dict[int, tuple[int, int]]:
    has_cr = "\r" in text
    out: dict[int, tuple[int, int]] = {}
    line, prev = 1, 0
    for off in sorted(set(offsets)):
        line += _breaks(text, prev, off, has_cr)
        prev = off
        start = max(text.rfind("\n", 0, off), text.rfind("\r", 0, off)) if has_cr else text.rfind("\n", 0, off)
        out[off] = (line, off - start)
    return out


def _breaks(text: str, start: int, end: int, has_cr: bool) -> int:
    count = text.count("\n", start, end)
    if has_cr:
        count += text.count("\r", start, end) - text.count("\r\n", start, end)
    return count

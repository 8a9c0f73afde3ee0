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
    line, prev, line_start = 1, 0, -1  # line_start: the offset of the break before the line
    for off in sorted(set(offsets)):
        breaks = _breaks(text, prev, off, has_cr)
        if breaks:  # searched only between the two offsets: one long line costs one pass
            line += breaks
            line_start = max(text.rfind("\n", prev, off), text.rfind("\r", prev, off)) if has_cr else text.rfind("\n", prev, off)
        prev = off
        out[off] = (line, off - line_start)
    return out


def _breaks(text: str, start: int, end: int, has_cr: bool) -> int:
    count = text.count("\n", start, end)
    if has_cr:
        count += text.count("\r", start, end) - text.count("\r\n", start, end)
    return count

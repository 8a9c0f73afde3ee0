"""A JSON Patch (add, remove, replace) as text edits of the snapshot it applies to.

A fix is written where the value is, never by re-serialising the document: a replaced
value's text is swapped, an added or removed member is a text insertion or deletion at a
computed position that keeps the container's indentation and separators (inputs/json_edits.py,
inputs/yaml_edits.py). Everything outside the edited spans keeps its bytes: key order,
comments, blank lines, CRLF line breaks. `fix --in-place` writes the edits
(outputs/in_place.py); SARIF `fixes`, reviewdog suggestions and the language server's
code action show them.

Operations apply in order, each to the text its predecessors left; the edits returned are
against the original text, sorted and disjoint (edits that touch are joined into one).
"""

from __future__ import annotations

import bisect
import sys
from collections.abc import Iterable
from itertools import pairwise
from typing import Any, NamedTuple, Protocol

from wxcc_policy.errors import EditRefused
from wxcc_policy.inputs.json_edits import JsonEditor
from wxcc_policy.inputs.pointers import split_pointer
from wxcc_policy.inputs.text_layout import Edit, line_start
from wxcc_policy.inputs.yaml_edits import YamlEditor

YAML_SUFFIXES = (".yaml", ".yml")


class PatchOperation(Protocol):
    """A JSON Patch operation (evaluation/remedy.py's Operation is one)."""

    @property
    def op(self) -> str: ...
    @property
    def path(self) -> str: ...
    @property
    def value(self) -> Any: ...


class TextEdit(NamedTuple):
    """Replace the original text's [start, end) (character offsets) with `text`; lines and
    columns are 1-based, columns in code points as `check` locates, the end exclusive."""

    start: int
    end: int
    text: str
    start_line: int
    start_column: int
    end_line: int
    end_column: int


class _Pieces:
    """Edits made one after another, kept as disjoint edits of the original text."""

    def __init__(self, source: str) -> None:
        self.source = source
        self.current = source
        self.pieces: list[Edit] = []

    def apply(self, edit: Edit) -> None:
        """Apply an edit given in offsets of the current text."""
        start, end, text = edit
        before: list[Edit] = []
        touched: list[tuple[Edit, int, int]] = []  # a piece, where it starts now, the shift before it
        after: list[Edit] = []
        shift = 0
        for piece in self.pieces:
            now = piece.start + shift
            if now + len(piece.text) < start:
                before.append(piece)
            elif now > end:
                after.append(piece)
            else:
                touched.append((piece, now, shift))
            shift += len(piece.text) - (piece.end - piece.start)
        shift_before = sum(len(p.text) - (p.end - p.start) for p in before)
        joined = self._joined(edit, touched) if touched else Edit(start - shift_before, end - shift_before, text)
        self.current = self.current[:start] + text + self.current[end:]
        self.pieces = [*before, joined, *after]

    def _joined(self, edit: Edit, touched: list[tuple[Edit, int, int]]) -> Edit:
        """One piece for an edit and the earlier pieces it overlaps or touches."""
        start, end, text = edit
        first, first_now, first_shift = touched[0]
        last, last_now, last_shift = touched[-1]
        last_end = last_now + len(last.text)
        begin, finish = min(start, first_now), max(end, last_end)
        source_start = first.start if begin == first_now else begin - first_shift
        source_end = last.end if finish == last_end else finish - (last_shift + len(last.text) - (last.end - last.start))
        current = self.current
        return Edit(source_start, source_end, current[begin:start] + text + current[end:finish])


class _Lines:
    """Lines and columns of offsets, as inputs/positions.py counts them (lines end at LF,
    CRLF or CR; columns in code points). Each offset is counted from the nearest one
    counted before it: fixes come in document order, so a file is swept about once."""

    def __init__(self, text: str) -> None:
        self._text = text
        self._has_cr = "\r" in text
        self._known: list[tuple[int, int]] = [(0, 1)]  # (offset, line), sorted

    def at(self, offset: int) -> tuple[int, int]:
        text = self._text
        base, line = self._known[bisect.bisect_right(self._known, (offset, sys.maxsize)) - 1]
        line += text.count("\n", base, offset)
        if self._has_cr:
            line += text.count("\r", base, offset) - text.count("\r\n", base, offset)
        bisect.insort(self._known, (offset, line))
        return line, offset - line_start(text, offset) + 1

    def text_edits(self, pieces: Iterable[Edit]) -> list[TextEdit]:
        return [TextEdit(p.start, p.end, p.text, *self.at(p.start), *self.at(p.end)) for p in pieces]


class SourceEditor:
    """One snapshot's text, parsed once for the fixes of all its findings."""

    def __init__(self, source: str, suffix: str) -> None:
        self.source = source
        self._editor_type = YamlEditor if suffix.lower() in YAML_SUFFIXES else JsonEditor
        self._first: JsonEditor | YamlEditor | None = None
        self._lines: _Lines | None = None

    def _editor(self) -> JsonEditor | YamlEditor:
        """The text parsed, once (InputError with an offset when it does not parse)."""
        self._first = self._first or self._editor_type(self.source)
        return self._first

    @property
    def value(self) -> Any:
        """The document's value, from the same parse as the edits."""
        return self._editor().data

    def edits(self, operations: Iterable[PatchOperation]) -> list[TextEdit]:
        """The text edits of the operations applied in order; EditRefused (with an offset
        into the text) for one that cannot be written in place."""
        editor = self._editor()
        lines = self._lines = self._lines or _Lines(self.source)
        steps = list(operations)
        if len(steps) == 1:  # the usual fix: one edit, no text to rebuild
            return lines.text_edits([_edit(editor, steps[0])])
        if _independent(steps):  # all found in the text as read: a large file is parsed once
            edits = sorted(_edit(editor, operation) for operation in steps)
            if all(a.end < b.start for a, b in pairwise(edits)):
                return lines.text_edits(edits)
        pieces = _Pieces(self.source)
        for n, operation in enumerate(steps):
            if n:  # each operation sees the text its predecessors left
                editor = self._editor_type(pieces.current)
            pieces.apply(_edit(editor, operation))
        return lines.text_edits(pieces.pieces)


def text_edits(source: str, suffix: str, operations: Iterable[PatchOperation]) -> list[TextEdit]:
    """The text edits that make `source` (a JSON or YAML snapshot, by `suffix`) what the
    operations make of its value."""
    return SourceEditor(source, suffix).edits(operations)


def as_patch(operations: Iterable[PatchOperation]) -> list[dict[str, Any]]:
    """The operations as a JSON Patch document."""
    return [{"op": o.op, "path": o.path, **({} if o.op == "remove" else {"value": o.value})} for o in operations]


def applied(source: str, edits: Iterable[TextEdit]) -> str:
    """The text with the edits made (disjoint, in any order)."""
    out, done = [], 0
    for edit in sorted(edits, key=lambda e: e.start):
        out.append(source[done : edit.start] + edit.text)
        done = edit.end
    return "".join(out) + source[done:]


def _independent(operations: list[PatchOperation]) -> bool:
    """Replacements of values none of which holds another: each can be found in the text as
    read (a large file is then parsed once for all of them)."""
    if len(operations) < 2 or any(o.op != "replace" for o in operations):
        return False
    paths = sorted(o.path + "/" for o in operations)
    return all(not later.startswith(earlier) for earlier, later in pairwise(paths))


def _edit(editor: JsonEditor | YamlEditor, operation: PatchOperation) -> Edit:
    parts = split_pointer(operation.path)
    if operation.op == "replace":
        return editor.replace(parts, operation.value)
    if operation.op == "remove":
        return editor.remove(parts)
    if operation.op == "add":
        return editor.add(parts, operation.value)
    raise EditRefused(f"a {operation.op!r} operation is not written in place (only add, remove and replace)", 0)

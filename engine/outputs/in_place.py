"""`fix --in-place`: a snapshot edited where its values are, the second documented
exception to "input files are never modified" (docs/hardening.md; the first is
`baseline --update`).

The operations become text edits at the values' spans (inputs/text_edits.py): formatting,
key order, comments and line breaks outside them keep their bytes. Before anything is
written the edited text is read again and must equal the JSON Patch applied in memory;
then it replaces the file atomically (outputs/files.py: beside it, renamed over it, its
mode kept; a symbolic link is followed). Refused, with nothing written: a file with a
second hard link (renaming would split it from its other names, rewriting in place would
edit a file reached by another name), a value shared through a YAML alias, an operation
whose target does not exist, a file changed while it was being edited.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import jsonpatch
import jsonpointer

from wxcc_policy.errors import EditRefused, InputError, UsageError
from wxcc_policy.inputs.file_bytes import STDIN, decode_utf8, read_regular_file, shown_path
from wxcc_policy.inputs.positions import line_column
from wxcc_policy.inputs.readers import reader_for
from wxcc_policy.inputs.text_edits import PatchOperation, SourceEditor, applied, as_patch
from wxcc_policy.outputs.files import write_report

_BOM = b"\xef\xbb\xbf"


def edit_in_place(path: Path, operations: Sequence[PatchOperation]) -> None:
    """Apply the operations (add, remove, replace) to the snapshot file at `path` as text
    edits; a UsageError (file:line:column where there is a place) when they cannot be."""
    if not operations:
        return
    if path == STDIN:
        raise UsageError("standard input cannot be edited in place; write the fix as a patch instead (-o CHANGE.json)", "-")
    shown = shown_path(path)
    before = _single_link(path, shown)
    raw = _read(path, shown)
    text = _decoded(raw, shown)
    editor = SourceEditor(text, path.suffix)
    data = _parsed(editor, text, shown)
    try:
        edited = applied(text, editor.edits(operations))
    except EditRefused as exc:
        raise UsageError(f"not edited in place: {exc.message}", _where(shown, text, exc.offset)) from None
    _verify(data, edited, path.suffix, operations, shown)
    if _identity(os.stat(path)) != _identity(before):
        raise UsageError("not edited in place: the file changed while it was being edited; run again", shown)
    try:
        write_report(path, ("\ufeff" if raw.startswith(_BOM) else "") + edited)
    except OSError as exc:
        raise UsageError(f"cannot write the edited snapshot: {exc.strerror or exc}", shown) from None


def _single_link(path: Path, shown: str) -> os.stat_result:
    try:
        info = os.stat(path)
    except OSError as exc:
        raise UsageError(f"cannot edit in place: {exc.strerror or exc}", shown) from None
    if info.st_nlink > 1:
        raise UsageError(
            f"not edited in place: the file has {info.st_nlink} hard links, and an edit would change it under every name;"
            " write the fix as a patch instead (wxcc-policy fix SNAPSHOT -o CHANGE.json)",
            shown,
        )
    return info


def _identity(info: os.stat_result) -> tuple[int, int, int, int]:
    return (info.st_dev, info.st_ino, info.st_size, info.st_mtime_ns)


def _read(path: Path, shown: str) -> bytes:
    try:
        return read_regular_file(path)
    except OSError as exc:
        raise UsageError(f"cannot edit in place: {exc.strerror or exc}", shown) from None


def _decoded(raw: bytes, shown: str) -> str:
    try:
        return decode_utf8(raw)
    except InputError as exc:
        raise UsageError(f"not edited in place: {exc.message}", shown) from None


def _parsed(editor: SourceEditor, text: str, shown: str) -> Any:
    try:
        return editor.value
    except InputError as exc:
        raise UsageError(f"not edited in place: {exc.message}", _where(shown, text, exc.offset)) from None


def _where(shown: str, text: str, offset: int) -> str:
    line, column = line_column(text, min(max(offset, 0), len(text)))
    return f"{shown}:{line}:{column}"


def _verify(data: Any, edited: str, suffix: str, operations: Sequence[PatchOperation], shown: str) -> None:
    """The edited text must read back as the patched document (`data`, a value of its own,
    patched in place), value for value and, where the operations wrote, type for type."""
    try:
        expected = jsonpatch.apply_patch(data, as_patch(operations), in_place=True)
    except (jsonpatch.JsonPatchException, jsonpatch.JsonPointerException) as exc:
        raise UsageError(f"not edited in place: the change does not apply: {exc}", shown) from None
    try:
        got = reader_for(suffix).read(edited)[0]
    except InputError as exc:
        raise UsageError(f"not edited in place: the edited text would not read back ({exc.message}); nothing written", shown) from None
    if got != expected or not all(_same_at(got, expected, o.path) for o in operations):
        raise UsageError("not edited in place: the edited text would not read back as the patched snapshot; nothing written", shown)


def _same_at(got: Any, expected: Any, pointer: str) -> bool:
    """Python's == takes 1, 1.0 and true for one value: where an operation wrote, the types
    are compared too (elsewhere the text, and so each value's type, is as it was)."""
    if pointer.endswith("/-"):  # the end of an array: == has judged it
        return True
    try:
        return same_value(jsonpointer.resolve_pointer(got, pointer), jsonpointer.resolve_pointer(expected, pointer))
    except (jsonpointer.JsonPointerException, TypeError):  # removed, or `-`: == has judged it
        return True


def same_value(a: Any, b: Any) -> bool:
    """JSON equality: 1, 1.0 and true are three different values (Python's == says one)."""
    if type(a) is not type(b):
        return False
    if isinstance(a, dict):
        return a.keys() == b.keys() and all(same_value(v, b[k]) for k, v in a.items())
    if isinstance(a, list):
        return len(a) == len(b) and all(same_value(x, y) for x, y in zip(a, b, strict=True))
    return bool(a == b)

"""What the formats that write into a file's text need of it (CheckSettings.source_edits):
each finding's fix as text edits (inputs/text_edits.py), and the text of the lines the
problems and the fixes touch (reviewdog counts columns in UTF-8 bytes; a reporter has the
columns in code points and reads no file). Computed here, where the document is at hand,
only when a requested format needs it: the other formats' results stay as they were.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path

from wxcc_policy.errors import EditRefused
from wxcc_policy.evaluation.results import FileResult, Finding, SourceFix
from wxcc_policy.inputs.documents import Document
from wxcc_policy.inputs.file_bytes import STDIN
from wxcc_policy.inputs.pointers import split_pointer
from wxcc_policy.inputs.readers import reader_for, sniffed_reader
from wxcc_policy.inputs.text_edits import PatchOperation, SourceEditor
from wxcc_policy.inputs.text_layout import line_end, line_start


def with_source_fixes(result: FileResult, document: Document, remedies: Iterable[tuple[str, Sequence[PatchOperation]]]) -> FileResult:
    """The result with the text edits of each (finding key, operations) and the lines its
    problems and edits touch."""
    editor = SourceEditor(document.text, _suffix(document))
    fixes = tuple(_fix(editor, key, operations) for key, operations in remedies if operations)
    return with_lines(result._replace(fixes=fixes), document)


def remedies(result: FileResult) -> Iterator[tuple[str, Sequence[PatchOperation]]]:
    """Each finding's key and the operations of its declared fix (evaluation/remedy.py)."""
    for finding in result.findings:
        operations = fix_operations(finding)
        if operations:
            yield finding.key, operations


def fix_operations(finding: Finding) -> Sequence[PatchOperation]:
    """The operations of the finding's declared fix; none when it has no fix, or one that
    needs a choice the tool cannot make (its candidates)."""
    return () if finding.remedy is None else finding.remedy.operations


def with_lines(result: FileResult, document: Document) -> FileResult:
    """The result with the text of every line one of its problems or fixes is on. Each is
    found from its value's offset (the locator's, cached), never by counting the lines
    before it: a finding at the end of a large file costs what one at its start costs."""
    text = document.text
    found: dict[int, str | None] = {}
    for pointer, line, column in _places(result):
        start = line_start(text, document.locator.offset(split_pointer(pointer)))
        found.setdefault(line, _line_from(text, start, column))
    for edit in (e for fix in result.fixes for e in fix.edits):
        found.setdefault(edit.start_line, _line_from(text, line_start(text, edit.start), edit.start_column))
        found.setdefault(edit.end_line, _line_from(text, line_start(text, edit.end), edit.end_column))
    lines = tuple(sorted((n, t) for n, t in found.items() if t is not None))
    return result._replace(lines=lines) if lines else result


def _places(result: FileResult) -> Iterator[tuple[str, int, int]]:
    yield from ((f.pointer, f.line, f.column) for f in result.findings)
    yield from ((e.pointer, e.line, e.column) for e in result.schema_errors)


def _line_from(text: str, start: int, column: int) -> str | None:
    """The line that starts at `start`, or None when `column` does not fit it (a place not
    at its value's offset: the column stays in code points)."""
    line = text[start : line_end(text, start)]
    return line if column <= len(line) + 1 else None


def _fix(editor: SourceEditor, key: str, operations: Sequence[PatchOperation]) -> SourceFix:
    description = "; ".join(describe(o) for o in operations)
    try:
        return SourceFix(key, description, tuple(editor.edits(operations)))
    except EditRefused as exc:
        return SourceFix(key, description, refused=exc.message)


def describe(operation: PatchOperation) -> str:
    """`replace /users/3/role with "agent"`, `remove /users/3`."""
    if operation.op == "remove":
        return f"remove {operation.path}"
    value = json.dumps(operation.value, ensure_ascii=False, sort_keys=True)
    shown = value if len(value) <= 80 else value[:79] + "…"
    return f"{operation.op} {operation.path} {'with' if operation.op == 'replace' else '='} {shown}"


def _suffix(document: Document) -> str:
    """The suffix the document was read by (standard input: what its text looks like)."""
    reader = sniffed_reader(document.text) if document.path == str(STDIN) else reader_for(Path(document.path).suffix)
    return ".yaml" if reader.name == "YAML" else ".json"

"""What the formats that write into a file's text need of it (CheckSettings.source_edits):
each finding's fix as text edits (inputs/text_edits.py), and the text of the lines the
problems and the fixes touch (reviewdog counts columns in UTF-8 bytes; a reporter has the
columns in code points and reads no file). Computed here, where the document is at hand,
only when a requested format needs it: the other formats' results stay as they were.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path

from wxcc_policy.errors import EditRefused
from wxcc_policy.evaluation.results import FileResult, Finding, SourceFix
from wxcc_policy.inputs.documents import Document
from wxcc_policy.inputs.file_bytes import STDIN
from wxcc_policy.inputs.readers import reader_for, sniffed_reader
from wxcc_policy.inputs.text_edits import PatchOperation, SourceEditor

_LINE_BREAK = re.compile(r"\r\n|\r|\n")  # the line breaks inputs/positions.py counts


def with_source_fixes(result: FileResult, document: Document, remedies: Iterable[tuple[str, Sequence[PatchOperation]]]) -> FileResult:
    """The result with the text edits of each (finding key, operations) and the lines its
    problems and edits touch."""
    editor = SourceEditor(document.text, _suffix(document))
    fixes = tuple(_fix(editor, key, operations) for key, operations in remedies if operations)
    return with_lines(result._replace(fixes=fixes), document.text)


def remedies(result: FileResult) -> Iterator[tuple[str, Sequence[PatchOperation]]]:
    """Each finding's key and the operations of its declared fix (evaluation/remedy.py)."""
    for finding in result.findings:
        operations = fix_operations(finding)
        if operations:
            yield finding.key, operations


def fix_operations(finding: Finding) -> Sequence[PatchOperation]:
    """The operations of the finding's declared fix; none when it has no fix, or one that
    needs a choice the tool cannot make (its candidates)."""
    remedy = getattr(finding, "remedy", None)
    return () if remedy is None else tuple(remedy.operations)


def with_lines(result: FileResult, text: str) -> FileResult:
    """The result with the text of every line one of its problems or fixes is on."""
    wanted = {f.line for f in result.findings} | {s.line for s in result.schema_errors}
    wanted |= {n for fix in result.fixes for e in fix.edits for n in (e.start_line, e.end_line)}
    if not wanted:
        return result
    last = max(wanted)
    lines = _LINE_BREAK.split(text, maxsplit=last)[:last]
    return result._replace(lines=tuple((n, lines[n - 1]) for n in sorted(wanted) if n <= len(lines)))


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

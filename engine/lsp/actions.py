"""Code actions: "fix this finding" writes the finding's declared fix (its policy's `fix:`)
into the document as text edits at the values' spans (inputs/text_edits.py: formatting and
comments outside them stay), one workspace edit; a fix that cannot be written as text (a
value shared through a YAML alias) is offered disabled, with the reason. "Waive this
finding" inserts a waiver, valid against the waiver schema, into
the configured waiver file (the first `waiverFiles` option, else the configuration's
`waivers:`), granted today and expiring within `maxWaiverDays`, with an owner and reason
for the user to fill in. The client applies the edit; the server writes nothing.

The date is the real one: the server is interactive, and a waiver is granted the day it is
written (a check judges it on its own evaluation date, never the clock).
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any, NamedTuple

import yaml
from lsprotocol import types
from pygls.uris import from_fs_path

from wxcc_policy.errors import EditRefused, InputError
from wxcc_policy.evaluation.source_fixes import describe
from wxcc_policy.inputs.text_edits import text_edits
from wxcc_policy.inputs.yaml_reader import parse_yaml
from wxcc_policy.lsp.diagnose import Lines
from wxcc_policy.lsp.workspace import Loaded, Workspace

WAIVER_DAYS = 90  # the default a waiver lasts, when the configuration allows as much


def code_actions(workspace: Workspace, path: Path, params: types.CodeActionParams) -> list[types.CodeAction] | None:
    loaded = workspace.loaded()
    if not isinstance(loaded, Loaded):
        return None
    wanted = [d for d in params.context.diagnostics if isinstance(d.data, dict) and "key" in d.data and "waived" not in d.message]
    fixes = [_fix(workspace, path, d) for d in wanted if isinstance(d.data, dict) and d.data.get("fix")]
    actions = [*fixes, *(_waive(workspace, loaded, d) for d in wanted)]
    return [a for a in actions if a is not None] or None


def _at(lines: Lines, offset: int) -> types.Position:
    return types.Position(*lines.position(offset))


class _Operation(NamedTuple):
    op: str
    path: str
    value: Any = None


def _fix(workspace: Workspace, path: Path, finding: types.Diagnostic) -> types.CodeAction:
    data: dict[str, Any] = finding.data if isinstance(finding.data, dict) else {}
    operations = [_Operation(o["op"], o["path"], o.get("value")) for o in data["fix"]]
    title = f"Fix {data['key']}: " + "; ".join(describe(o) for o in operations)
    text = workspace.text(path)
    try:
        edits = text_edits(text, path.suffix, operations)
    except EditRefused as exc:
        reason = types.CodeActionDisabled(reason=exc.message)
        return types.CodeAction(title=title, kind=types.CodeActionKind.QuickFix, diagnostics=[finding], disabled=reason)
    lines = Lines(text)
    changes = [types.TextEdit(types.Range(_at(lines, e.start), _at(lines, e.end)), e.text) for e in edits]
    document = types.OptionalVersionedTextDocumentIdentifier(uri=from_fs_path(str(path)) or path.as_uri(), version=None)
    return types.CodeAction(
        title=title,
        kind=types.CodeActionKind.QuickFix,
        diagnostics=[finding],
        is_preferred=True,
        edit=types.WorkspaceEdit(document_changes=[types.TextDocumentEdit(document, changes)]),
    )


def _waive(workspace: Workspace, loaded: Loaded, finding: types.Diagnostic) -> types.CodeAction | None:
    key = str(finding.data["key"]) if isinstance(finding.data, dict) else ""
    target = workspace.options.waiver_files[0] if workspace.options.waiver_files else workspace.config_path
    text = _text_or_empty(workspace, target)
    edit = _insertion(text, waiver_text(key, loaded.config.max_waiver_days, dt.date.today()))
    if edit is None:
        return None
    uri = from_fs_path(str(target)) or target.as_uri()
    changes: list[Any] = []
    if not target.exists() and target.resolve() not in workspace.buffers:
        changes.append(types.CreateFile(uri=uri))
    changes.append(types.TextDocumentEdit(types.OptionalVersionedTextDocumentIdentifier(uri=uri, version=None), [edit]))
    return types.CodeAction(
        title=f"Waive {key} (in {target.name})",
        kind=types.CodeActionKind.QuickFix,
        diagnostics=[finding],
        edit=types.WorkspaceEdit(document_changes=changes),
    )


def waiver_text(key: str, max_days: int, today: dt.date) -> list[str]:
    """The waiver's lines (without indentation): valid as written, to be completed."""
    expires = today + dt.timedelta(days=min(WAIVER_DAYS, max_days))
    return [
        f"- key: {_quoted(key)}",
        "  reason: 'TODO: why the risk is accepted'",
        "  owner: 'TODO: who owns it'",
        f"  granted: {today.isoformat()}",
        f"  expires: {expires.isoformat()}",
    ]


def _quoted(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _text_or_empty(workspace: Workspace, path: Path) -> str:
    try:
        return workspace.text(path)
    except OSError:
        return ""


def _insertion(text: str, waiver: list[str]) -> types.TextEdit | None:
    """Where the waiver goes: after the last item of a block `waivers:` list, in place of an
    empty flow list (`waivers: []`), or a new `waivers:` key at the end."""
    try:
        _, root = parse_yaml(text) if text.strip() else (None, None)
    except InputError:
        return None  # the file is broken: its own diagnostic says so
    node = _waivers_node(root)
    lines = Lines(text)
    if node is None:
        prefix = "" if not text or text.endswith("\n") else "\n"
        body = "".join(f"  {line}\n" for line in waiver)
        return _insert(lines, len(text), f"{prefix}waivers:\n{body}")
    if isinstance(node, yaml.SequenceNode) and node.flow_style and not node.value:
        start, end = node.start_mark.index, node.end_mark.index
        body = "".join(f"\n  {line}" for line in waiver)
        return types.TextEdit(types.Range(types.Position(*lines.position(start)), types.Position(*lines.position(end))), body)
    if isinstance(node, yaml.SequenceNode) and not node.flow_style:
        dash = " " * max(node.value[0].start_mark.column - 2, 0) if node.value else "  "
        return _insert(lines, _after_last_item(text, node), "".join(f"{dash}{line}\n" for line in waiver))
    return None


def _waivers_node(root: yaml.Node | None) -> yaml.Node | None:
    if not isinstance(root, yaml.MappingNode):
        return None
    return next((value for key, value in root.value if isinstance(key, yaml.ScalarNode) and key.value == "waivers"), None)


def _after_last_item(text: str, node: yaml.SequenceNode) -> int:
    """The start of the line after the sequence's last item."""
    end = node.value[-1].end_mark.index if node.value else node.end_mark.index
    newline = text.find("\n", max(end - 1, 0))
    return len(text) if newline < 0 else newline + 1


def _insert(lines: Lines, offset: int, new_text: str) -> types.TextEdit:
    if offset >= len(lines.text) and lines.text and not lines.text.endswith("\n"):
        new_text = "\n" + new_text
    at = types.Position(*lines.position(offset))
    return types.TextEdit(types.Range(at, at), new_text)

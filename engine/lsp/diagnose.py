"""Diagnostics for one open document, computed by the stage functions `check` and `plan`
use, and turned into LSP ranges: a range starts at the line and column `check` reports and
ends where the value there ends (inputs/spans.py).

Every result is a list of `Problem`s per file path: a load error in a policy is published
on the policy file, whichever document was being judged.
"""

from __future__ import annotations

import bisect
import itertools
import os
import re
from pathlib import Path
from typing import Any, NamedTuple

from wxcc_policy.errors import InputError, UsageError
from wxcc_policy.evaluation.baseline import compare
from wxcc_policy.evaluation.change import plan_documents
from wxcc_policy.evaluation.pipeline import check_document, run_result
from wxcc_policy.evaluation.results import FileResult, Finding, Located
from wxcc_policy.evaluation.source_fixes import fix_operations
from wxcc_policy.evaluation.waivers import WaiverSettings, apply_waivers, check_policy_ids
from wxcc_policy.inputs.documents import Document, ParseFailure, parse_text
from wxcc_policy.inputs.positions import line_column
from wxcc_policy.inputs.readers import reader_for
from wxcc_policy.inputs.spans import json_value_end, yaml_value_end
from wxcc_policy.inputs.text_edits import as_patch
from wxcc_policy.lsp.workspace import Loaded, Workspace, digest_of, yaml_file_from_text
from wxcc_policy.validation.schemas import check_file

SOURCE = "wxcc-policy"
_WHERE = re.compile(r"^(?P<path>.*):(?P<line>\d+):(?P<column>\d+)$")


class Problem(NamedTuple):
    """One diagnostic: 0-based (line, UTF-16 character) start and end, as LSP counts."""

    start: tuple[int, int]
    end: tuple[int, int]
    severity: str  # error | warning | info | hint
    code: str
    message: str
    data: dict[str, Any] | None = None


Problems = dict[Path, list[Problem]]


class Lines:
    """Offsets of a text to LSP positions and back (lines end at LF, CRLF or CR, as
    inputs/positions.py counts them; LSP characters are UTF-16 code units)."""

    def __init__(self, text: str) -> None:
        self.text = text
        if "\r" in text:
            self.starts = [0] + [m.end() for m in re.finditer(r"\r\n|\r|\n", text)]
        else:  # the common case, at C speed: a 100,000-user snapshot has 600,000 lines
            pieces = text.split("\n")
            self.starts = list(itertools.accumulate((len(piece) + 1 for piece in pieces[:-1]), initial=0))

    def offset(self, line: int, column: int) -> int:
        """The offset of a 1-based line and code-point column (as `check` reports them)."""
        start = self.starts[min(max(line, 1), len(self.starts)) - 1]
        return min(start + max(column, 1) - 1, len(self.text))

    def position(self, offset: int) -> tuple[int, int]:
        line = bisect.bisect_right(self.starts, offset) - 1
        prefix = self.text[self.starts[line] : offset]
        return line, len(prefix.encode("utf-16-le")) // 2


def diagnose(workspace: Workspace, path: Path) -> Problems:
    """The problems of the document at `path` (its buffer), and of the workspace files that
    stop it from being judged (a broken policy or configuration)."""
    text = workspace.text(path)
    kind = workspace.kind(path, text)
    if kind == "other":
        return {path: []}
    if kind in ("config", "policy", "waivers"):
        return _dependency_problems(workspace, path, text, kind)
    if kind == "test":
        return {path: _test_problems(workspace, path, text)}
    loaded = workspace.loaded()
    if isinstance(loaded, UsageError):
        return _load_error(workspace, loaded, {path: []})
    return _change_problems(workspace, loaded, path, text) if kind == "change" else {path: snapshot_problems(loaded, path, text)}


# -- snapshots ------------------------------------------------------------------------------


def read_buffer(path: Path, text: str) -> Document | ParseFailure:
    """The buffer read as `inputs/documents.read_document` reads a file (the same errors)."""
    try:
        return parse_text(text, str(path), digest_of(text), reader_for(path.suffix))
    except InputError as exc:
        line, column = line_column(text, exc.offset) if text else (1, 1)
        return ParseFailure(str(path), digest_of(text), exc.message, line, column)


def judged(loaded: Loaded, document: Document | ParseFailure) -> FileResult:
    """The document's result with waivers and the baseline applied, as `check` applies them."""
    result = check_document(document, loaded.settings, loaded.policies)
    run = run_result(loaded.settings, loaded.policies, [result])
    settings = WaiverSettings(loaded.waivers, loaded.settings.policy_ids, loaded.config.waiver_warning_days)
    run = apply_waivers(run, settings)
    if loaded.baseline is not None:
        run = compare(run, loaded.baseline, loaded.settings.policy_ids).run
    return next(iter(run.results))


def snapshot_problems(loaded: Loaded, path: Path, text: str) -> list[Problem]:
    document = read_buffer(path, text)
    return result_problems(judged(loaded, document), document, Lines(text))


def result_problems(result: FileResult, document: Document | ParseFailure, lines: Lines) -> list[Problem]:
    if result.parse_error is not None:
        return [_at(lines, result.parse_error, "error", "PARSE")]
    if result.eval_error is not None:
        return [_at(lines, result.eval_error, "error", "EVAL")]
    out = [_value(lines, document, e.pointer, e.line, e.column, "error", "SCHEMA", e.message) for e in result.schema_errors]
    return out + [_finding(lines, document, f) for f in result.findings]


def _finding(lines: Lines, document: Document | ParseFailure, f: Finding) -> Problem:
    severity, note = f.severity, ""
    if f.waived and f.waiver is not None:
        severity, note = "hint", f" (waived until {f.waiver.expires}, {f.waiver.owner})"
    elif f.state == "existing":
        severity, note = "hint", " (in the baseline)"
    data: dict[str, Any] = {"key": f.key, "policy": f.policy, "pointer": f.pointer, "line": f.line, "column": f.column}
    operations = fix_operations(f)
    if operations:
        data["fix"] = as_patch(operations)  # the code action writes it (lsp/actions.py)
    return _value(lines, document, f.pointer, f.line, f.column, severity, f.policy, f.message + note, data)


def _value(
    lines: Lines, document: Any, pointer: str, line: int, column: int, severity: str, code: str, message: str, data: Any = None
) -> Problem:
    start = lines.offset(line, column)
    return Problem(lines.position(start), lines.position(value_end(document, pointer, start)), severity, code, message, data)


def value_end(document: Any, pointer: str, start: int) -> int:
    if not isinstance(document, Document):
        return start + 1
    root = getattr(document.locator, "root", None)
    if root is not None or document.path.lower().endswith((".yaml", ".yml")):
        return yaml_value_end(document.text, root, pointer, start)
    return json_value_end(document.text, start)


def _at(lines: Lines, located: Located, severity: str, code: str) -> Problem:
    start = lines.offset(located.line, located.column)
    end = min(start + 1, len(lines.text))
    return Problem(lines.position(start), lines.position(max(end, start)), severity, code, located.message)


# -- planned changes (as `plan --paired`) ---------------------------------------------------


def _change_problems(workspace: Workspace, loaded: Loaded, path: Path, text: str) -> Problems:
    snapshot = _paired_snapshot(path)
    if snapshot is None:
        return {
            path: [Problem((0, 0), (0, 1), "error", "CHANGE", f"no snapshot {_stem(path)}.json, .yaml or .yml beside this change file")]
        }
    before = read_buffer(snapshot, workspace.text(snapshot))
    change = read_buffer(path, text)
    lines = Lines(text)
    if isinstance(change, ParseFailure):
        return {path: [_at(lines, Located(change.message, change.line, change.column), "error", "PARSE")]}
    try:
        result, _ = plan_documents(before, change, loaded.settings, loaded.policies)
    except UsageError as exc:  # two tenants
        return {path: [Problem((0, 0), (0, 1), "error", "CHANGE", exc.message)]}
    out = [_located_text(lines, change, error, "CHANGE") for error in result.errors if error.startswith(f"{path}:")]
    new = [e.finding for e in result.entries if e.finding.state == "new" and e.file == str(path)]
    return {path: out + [_finding(lines, change, f) for f in new]}


def _stem(path: Path) -> str:
    return path.name[: path.name.lower().rindex(".change.")]


def _paired_snapshot(change: Path) -> Path | None:
    for suffix in (".json", ".yaml", ".yml"):
        candidate = change.with_name(_stem(change) + suffix)
        if candidate.is_file():
            return candidate
    return None


def _located_text(lines: Lines, document: Document, error: str, code: str) -> Problem:
    """`file:line:column: message` (a change's error) as a problem at that place."""
    head, _, message = error.partition(": ")
    match = _WHERE.match(head)
    line, column = (int(match["line"]), int(match["column"])) if match else (1, 1)
    start = lines.offset(line, column)
    return Problem(
        lines.position(start),
        lines.position(json_value_end(lines.text, start) if start < len(lines.text) else start),
        "error",
        code,
        message,
    )


# -- the files a check depends on -----------------------------------------------------------


def _dependency_problems(workspace: Workspace, path: Path, text: str, kind: str) -> Problems:
    """A configuration, policy or waiver file: its own errors as you type, then the load of
    the whole workspace (which reads the saved files, and the open policy buffers)."""
    problems: Problems = {path: []}
    try:
        file = yaml_file_from_text(str(path), text)
        if kind == "config":
            check_file(file, "config")
    except UsageError as exc:
        return _load_error(workspace, exc, problems)
    workspace.invalidate()
    loaded = workspace.loaded()
    if isinstance(loaded, UsageError):
        return _load_error(workspace, loaded, problems)
    if kind == "waivers":
        try:
            rules = workspace.waiver_file(path, loaded.config.max_waiver_days)
            check_policy_ids(rules, [p.info.id for p in loaded.policies.policies])
        except UsageError as exc:
            return _load_error(workspace, exc, problems)
    return problems


def _test_problems(workspace: Workspace, path: Path, text: str) -> list[Problem]:
    """A policy test file: parse, schema, the policies it names, its snapshot paths."""
    try:
        file = yaml_file_from_text(str(path), text)
        check_file(file, "policy-test")
    except UsageError as exc:
        return _load_error(workspace, exc, {path: []}).get(path, [])
    loaded = workspace.loaded()
    known = [] if isinstance(loaded, UsageError) else [p.info.id for p in loaded.policies.policies]
    out = []
    for i, pid in enumerate(file.data.get("policies", [])):
        if known and pid not in known:
            from wxcc_policy.errors import did_you_mean

            out.append(_problem_at(file.where(("policies", i)), f"unknown policy id {pid!r}{did_you_mean(pid, known)}", text))
    snapshots = [(("snapshot",), file.data.get("snapshot"))] + [
        (("cases", i, "snapshot"), c.get("snapshot")) for i, c in enumerate(file.data.get("cases", [])) if isinstance(c, dict)
    ]
    for where, name in snapshots:
        if isinstance(name, str) and not (path.parent / name).is_file():
            out.append(_problem_at(file.where(where), f"snapshot not found: {name}", text))
    return out


def _load_error(workspace: Workspace, exc: UsageError, problems: Problems) -> Problems:
    """A load error, published on the file it is located in (one line, as check prints it)."""
    match = _WHERE.match(exc.where or "")
    if match is None:
        target = Path(exc.where).resolve() if exc.where and os.path.exists(exc.where) else next(iter(problems))
        problems.setdefault(target, []).append(Problem((0, 0), (0, 1), "error", "LOAD", exc.message))
        return problems
    target = Path(match["path"]).resolve() if not match["path"].startswith("<builtin>") else next(iter(problems))
    text = _read_quietly(workspace, target)
    problems.setdefault(target, []).append(_problem_at(exc.where or "", exc.message, text))
    return problems


def _problem_at(where: str, message: str, text: str) -> Problem:
    match = _WHERE.match(where)
    lines = Lines(text)
    line, column = (int(match["line"]), int(match["column"])) if match else (1, 1)
    start = lines.offset(line, column)
    end = text.find("\n", start)
    return Problem(lines.position(start), lines.position(len(text) if end < 0 else max(end, start)), "error", "LOAD", message)


def _read_quietly(workspace: Workspace, path: Path) -> str:
    try:
        return workspace.text(path)
    except (OSError, UnicodeDecodeError, InputError):
        return ""

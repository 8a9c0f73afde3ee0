"""Judging a change: findings of BEFORE and AFTER classified by key into new, resolved
and unchanged (`diff`), and the same for a patch applied in memory (`plan`)."""

from __future__ import annotations

from typing import Any, NamedTuple

from wxcc_policy.errors import UsageError
from wxcc_policy.evaluation.pipeline import CheckSettings, check_document, rule_infos
from wxcc_policy.evaluation.results import SEVERITY_RANK, FileResult, Finding, Located, RuleInfo, RunResult
from wxcc_policy.evaluation.run_header import run_header
from wxcc_policy.inputs import pairs
from wxcc_policy.inputs.discovery import input_path, shown_input, standard_input_once
from wxcc_policy.inputs.documents import Document, ParseFailure, read_document
from wxcc_policy.inputs.patches import AppliedChange, PatchError, apply_change, prefixes
from wxcc_policy.rules.policy_set import PolicySet
from wxcc_policy.validation.schemas import violations

GATES = ("new", "all")
_STATE_ORDER = {"new": 0, "unchanged": 1, "resolved": 2}
_MAX_TRACED_OPERATIONS = 50  # beyond this, which operation triggered a finding is not searched


class ChangeEntry(NamedTuple):
    finding: Finding  # state new / unchanged / resolved, located in `file`
    file: str
    previous: Finding | None = None  # BEFORE's finding with the same key, for unchanged ones
    trigger: str | None = None  # the operation after which a new finding appears, when known


class ChangeResult(NamedTuple):
    before: FileResult
    after: FileResult
    change: str | None = None  # the change file, for `plan`
    entries: tuple[ChangeEntry, ...] = ()
    errors: tuple[str, ...] = ()  # located errors of the change: "file:line:column: message"

    @property
    def invalid(self) -> bool:
        return self.before.invalid or self.after.invalid or bool(self.errors)

    def gated(self, gate: str, fail_on: str) -> list[ChangeEntry]:
        """The entries that fail the run: new ones (or, with gate "all", every AFTER finding)
        at or above `fail_on`."""
        states = ("new",) if gate == "new" else ("new", "unchanged")
        threshold = SEVERITY_RANK[fail_on]
        return [
            e for e in self.entries if e.finding.state in states and not e.finding.waived and SEVERITY_RANK[e.finding.severity] >= threshold
        ]

    def counts(self) -> dict[str, int]:
        out = dict.fromkeys(_STATE_ORDER, 0)
        for e in self.entries:
            out[e.finding.state or "new"] += 1
        return out


class ChangeRun(NamedTuple):
    tool: str
    version: str
    policy_digest: str
    policy_count: int
    fail_on: str
    gate: str
    changes: tuple[ChangeResult, ...]
    rules: tuple[RuleInfo, ...] = ()  # every loaded policy, for the pipeline formats

    def passed(self, change: ChangeResult) -> bool:
        return not change.invalid and not change.gated(self.gate, self.fail_on)

    @property
    def exit_code(self) -> int:
        return 0 if all(self.passed(c) for c in self.changes) else 1


def change_run(settings: CheckSettings, policies: PolicySet, gate: str, changes: tuple[ChangeResult, ...]) -> ChangeRun:
    """The run of `diff` or `plan` over its changes, with the header every result carries."""
    return ChangeRun(*run_header(policies), settings.fail_on, gate, changes, rule_infos(settings, policies))


def classify(before: FileResult, after: FileResult) -> tuple[ChangeEntry, ...]:
    """New (only in AFTER) and unchanged (in both) located in AFTER, resolved (only in
    BEFORE) in BEFORE. Keys do not depend on array order, so a reordering is no change."""
    old = _by_key(before.findings)
    new = _by_key(after.findings)
    entries = [ChangeEntry(f._replace(state="unchanged" if key in old else "new"), after.file, old.get(key)) for key, f in new.items()]
    entries += [ChangeEntry(f._replace(state="resolved"), before.file) for key, f in old.items() if key not in new]
    return sort_entries(entries)


def sort_entries(entries: list[ChangeEntry]) -> tuple[ChangeEntry, ...]:
    def order(e: ChangeEntry) -> tuple[Any, ...]:
        f = e.finding
        return (_STATE_ORDER[f.state or "new"], e.file, f.line, f.column, f.pointer, f.policy, f.key)

    return tuple(sorted(entries, key=order))


def _by_key(findings: tuple[Finding, ...]) -> dict[str, Finding]:
    out: dict[str, Finding] = {}
    for f in findings:
        out.setdefault(f.key, f)
    return out


def _on(settings: CheckSettings, reference: FileResult) -> CheckSettings:
    return settings if settings.as_of is not None or reference.as_of is None else settings._replace(as_of=reference.as_of)


def same_tenant(before: FileResult, after: FileResult) -> None:
    if before.tenant is not None and after.tenant is not None and before.tenant != after.tenant:
        raise UsageError(
            f"the snapshots are of different tenants ({before.tenant!r} in {before.file}, {after.tenant!r} here): "
            "a change is judged between two snapshots of one tenant",
            after.file,
        )


def read(path: str) -> Document | ParseFailure:
    """One input named on the command line; `-` is standard input, shown as <stdin>."""
    try:
        return read_document(input_path(path), shown_input(path))
    except OSError as exc:
        raise UsageError(f"cannot read: {exc.strerror}", path) from None


def plans(paths: tuple[str, ...], paired: bool) -> list[tuple[str, str]]:
    """The (snapshot, change) pairs `plan` judges: SNAPSHOT CHANGE, or with `paired` each change
    file named or found, and each snapshot named with its change files (inputs/pairs.py)."""
    if paired:
        return pairs.paired(paths)
    if len(paths) != 2:
        raise UsageError(f"plan takes SNAPSHOT CHANGE (got {len(paths)} path(s)); use --paired for change files beside their snapshots")
    return [(paths[0], paths[1])]


def diff_files(before_path: str, after_path: str, settings: CheckSettings, policies: PolicySet) -> ChangeResult:
    """Both snapshots evaluated on one date (--as-of, else AFTER's own): the calendar
    moving between two captures is not the change being judged."""
    standard_input_once((before_path, after_path))
    after = check_document(read(after_path), settings, policies)
    before = check_document(read(before_path), _on(settings, after), policies)
    if before.invalid or after.invalid:
        return ChangeResult(before, after)
    same_tenant(before, after)
    return ChangeResult(before, after, entries=classify(before, after))


# -- plan: a patch applied in memory ------------------------------------------------------------


class _Nowhere:
    """The locator of a document that exists only in memory: everything at its start."""

    def offset(self, parts: tuple[str, ...]) -> int:
        return 0


def in_memory(path: str, data: Any) -> Document:
    return Document(path, "\n", data, "", _Nowhere())


def plan_files(snapshot_path: str, change_path: str, settings: CheckSettings, policies: PolicySet) -> tuple[ChangeResult, Any]:
    """The change judged as `diff SNAPSHOT AFTER`; also returns AFTER's data (None when the
    change could not be applied), for --write-after."""
    standard_input_once((snapshot_path, change_path))
    snapshot_path, change_path = shown_input(snapshot_path), shown_input(change_path)
    return plan_documents(read(snapshot_path), read(change_path), settings, policies)


def plan_documents(
    document: Document | ParseFailure, change: Document | ParseFailure, settings: CheckSettings, policies: PolicySet
) -> tuple[ChangeResult, Any]:
    """plan_files over documents already read (an editor's unsaved buffers: `wxcc-policy lsp`)."""
    snapshot_path, change_path = document.path, change.path
    before = check_document(document, settings, policies)
    label = f"{snapshot_path} + {change_path}"
    if isinstance(change, ParseFailure):
        error = f"{change.path}:{change.line}:{change.column}: {change.message}"
        return ChangeResult(before, FileResult(label, ""), change_path, errors=(error,)), None
    if not isinstance(document, Document) or before.invalid:
        return ChangeResult(before, FileResult(label, ""), change_path), None
    try:
        applied = apply_change(change, document.data)
    except PatchError as exc:
        return ChangeResult(before, FileResult(label, ""), change_path, errors=(str(exc),)), None
    schema_errors = _schema_errors(applied, change, document, policies)
    if schema_errors:
        return ChangeResult(before, FileResult(label, ""), change_path, errors=schema_errors), applied.after
    after = check_document(in_memory(label, applied.after), _on(settings, before), policies)
    same_tenant(before, after)
    entries = _relocate(classify(before, after), before, applied, change, document, settings, policies)
    return ChangeResult(before, after._replace(digest=change.digest), change_path, entries), applied.after


def _schema_errors(applied: AppliedChange, change: Document, document: Document, policies: PolicySet) -> tuple[str, ...]:
    schema = policies.document.schema
    problems = violations(schema, applied.after)
    if not problems:
        return ()
    triggers = _first_violating(change, document, schema, [(p.pointer, p.message) for p in problems])
    out = []
    for p in problems:
        op = applied.operation_for(p.pointer) or triggers.get((p.pointer, p.message))
        where = op.where if op else change.path
        label = f"operation {op.number} ({op.label}): " if op else ""
        out.append(f"{where}: {label}the result breaks the snapshot schema at {p.pointer or '/'}: {p.message}")
    return tuple(sorted(set(out), key=_where_order))


def _where_order(text: str) -> tuple[Any, ...]:
    parts = text.split(":", 3)
    return (int(parts[1]), int(parts[2]), text) if len(parts) == 4 and parts[1].isdigit() and parts[2].isdigit() else (0, 0, text)


def _first_violating(change: Document, document: Document, schema: str, wanted: list[tuple[str, str]]) -> dict[tuple[str, str], Any]:
    found: dict[tuple[str, str], Any] = {}
    for count, (op, data) in enumerate(prefixes(change, document.data), start=1):
        if count > _MAX_TRACED_OPERATIONS:
            break
        for p in violations(schema, data):
            found.setdefault((p.pointer, p.message), op)
        if all(w in found for w in wanted):
            break
    return found


def _relocate(
    entries: tuple[ChangeEntry, ...],
    before: FileResult,
    applied: AppliedChange,
    change: Document,
    document: Document,
    settings: CheckSettings,
    policies: PolicySet,
) -> tuple[ChangeEntry, ...]:
    """New findings go to the operation that wrote their value (or the nearest above it);
    the others to the snapshot: where BEFORE had them, or where their pointer (or its
    nearest existing ancestor) is in the snapshot."""
    unplaced = [e.finding.key for e in entries if e.finding.state == "new" and applied.operation_for(e.finding.pointer) is None]
    triggers = _triggers(unplaced, change, document, settings, policies) if unplaced else {}
    positions = document.positions([e.finding.pointer for e in entries])
    out = []
    for e in entries:
        f = e.finding
        if f.state == "resolved":
            out.append(e)
        elif f.state == "unchanged" and e.previous is not None:
            out.append(e._replace(finding=f._replace(line=e.previous.line, column=e.previous.column), file=before.file))
        elif (op := applied.operation_for(f.pointer)) is not None:
            out.append(e._replace(finding=f._replace(line=op.line, column=op.column), file=change.path, trigger=_op_text(op)))
        else:
            at = positions[f.pointer]
            trigger = triggers.get(f.key)
            message = f"{f.message} (after {trigger})" if trigger else f.message
            moved = f._replace(line=at.line, column=at.column, message=message)
            out.append(e._replace(finding=moved, file=before.file, trigger=trigger))
    return sort_entries(out)


def _op_text(op: Any) -> str:
    return f"operation {op.number} ({op.label})"


def _triggers(keys: list[str], change: Document, document: Document, settings: CheckSettings, policies: PolicySet) -> dict[str, str]:
    """For findings no operation wrote: the first operation after which each appears."""
    wanted = set(keys)
    ids = {k.split(":", 1)[0] for k in keys}
    narrowed = settings._replace(policy_ids=tuple(p for p in settings.policy_ids if p in ids))
    found: dict[str, str] = {}
    for count, (op, data) in enumerate(prefixes(change, document.data), start=1):
        if count > _MAX_TRACED_OPERATIONS:
            break
        result = check_document(in_memory(document.path, data), narrowed, policies)
        for f in result.findings:
            if f.key in wanted:
                found.setdefault(f.key, _op_text(op))
        if wanted <= found.keys():
            break
    return found


def as_run_result(run: ChangeRun) -> RunResult:
    """The change as a check's result, one file per place findings are located, each
    finding with its state: for the formats of `check` (SARIF: baselineState new,
    unchanged, absent). A change that cannot apply is its file's parse error."""
    files: dict[str, FileResult] = {}
    for change in run.changes:
        for result in (change.before, change.after):
            files.setdefault(result.file, result._replace(findings=()))
        for error in change.errors:
            where, _, message = error.partition(": ")
            file, line, column = _split_where(where)
            files[file] = files.get(file, FileResult(file, ""))._replace(parse_error=Located(message, line, column))
        for entry in change.entries:
            holder = files.get(entry.file, FileResult(entry.file, ""))
            files[entry.file] = holder._replace(findings=(*holder.findings, entry.finding))
    return RunResult(run.tool, run.version, run.policy_digest, run.policy_count, run.fail_on, tuple(files.values()), rules=run.rules)


def _split_where(where: str) -> tuple[str, int, int]:
    parts = where.rsplit(":", 2)
    if len(parts) == 3 and parts[1].isdigit() and parts[2].isdigit():
        return parts[0], int(parts[1]), int(parts[2])
    return where, 1, 1

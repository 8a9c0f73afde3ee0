"""Change files: an RFC 6902 JSON Patch (a list of operations) or an RFC 7386 merge patch
(an object), in JSON or YAML, applied in memory with `jsonpatch` / `json-merge-patch`.

Every operation (or merge-patch member) keeps its line and column in the change file,
and after applying, the pointer in the result of the value it wrote, so that a finding
or a schema error can be traced back to the operation that caused it.
"""

from __future__ import annotations

import copy
import json
import pickle
from collections.abc import Iterator
from typing import Any, NamedTuple

import json_merge_patch
import jsonpatch
import jsonpointer

from wxcc_policy.inputs.documents import Document
from wxcc_policy.inputs.pointers import PointerIndex, join_pointer, split_pointer

# What a change may make of a snapshot (docs/change.md "Bounds"): a `copy` duplicates a
# subtree, so twenty copies of a list into itself double the document twenty times. The
# patched document may hold at most GROWTH_FACTOR times the values of the snapshot and the
# change file together, and never more than MAX_PATCHED_VALUES, unless those two files
# already hold more (what a change writes literally is bounded by the file itself).
GROWTH_FACTOR = 4
MAX_PATCHED_VALUES = 20_000_000


class PatchError(Exception):
    """A change that cannot be applied; `where` is change-file:line:column."""

    def __init__(self, message: str, where: str) -> None:
        super().__init__(f"{where}: {message}")
        self.message = message
        self.where = where


class Operation(NamedTuple):
    number: int  # 1-based, in file order
    label: str  # "remove /users/17", or "member /a/b/c"
    where: str  # change-file:line:column
    line: int
    column: int


class AppliedChange(NamedTuple):
    kind: str  # "json-patch" or "merge-patch"
    after: Any
    operations: tuple[Operation, ...]
    written: tuple[str | None, ...]  # per operation: pointer in `after` of what it wrote, if still there

    def operation_for(self, pointer: str) -> Operation | None:
        """The operation that wrote the value `pointer` names, or the nearest one above it
        (the deepest written ancestor; the later operation on a tie)."""
        best: tuple[int, int] | None = None
        for i, written in enumerate(self.written):
            if written is None:
                continue
            if pointer == written or pointer.startswith(written + "/") or written == "":
                rank = (len(written), i)
                best = rank if best is None or rank > best else best
        return None if best is None else self.operations[best[1]]


def duplicate(data: Any) -> Any:
    """A deep copy of parsed JSON/YAML data (pickle is the fast deep copy of plain data)."""
    try:
        return pickle.loads(pickle.dumps(data, protocol=pickle.HIGHEST_PROTOCOL))
    except Exception:
        return copy.deepcopy(data)


def apply_change(change: Document, data: Any) -> AppliedChange:
    """Apply the change to a copy of `data` (never to `data` itself)."""
    kind = change_kind(change)
    operations = _operations(change, kind)
    target = duplicate(data)
    if kind == "merge-patch":
        after = json_merge_patch.merge(target, duplicate(change.data))
        return AppliedChange(kind, after, operations, _merge_written(after, change.data))
    anchors = []
    for raw, after in zip(change.data, _applied(target, operations, change), strict=True):
        anchors.append(_anchor(after, raw))
        target = after  # the same object, changed in place
    return AppliedChange(kind, target, operations, _final_pointers(target, anchors))


def prefixes(change: Document, data: Any) -> Iterator[tuple[Operation, Any]]:
    """The document after each operation in turn (a fresh copy each), for finding which
    operation first makes a finding or a schema error appear."""
    kind = change_kind(change)
    operations = _operations(change, kind)
    target = duplicate(data)
    if kind == "merge-patch":
        members = _merge_members(change.data)
        for k, op in enumerate(operations):
            partial = _nested(members[: k + 1])
            yield op, json_merge_patch.merge(duplicate(target), partial)
        return
    for op, after in zip(operations, _applied(target, operations, change), strict=True):
        yield op, duplicate(after)


def change_kind(change: Document) -> str:
    if isinstance(change.data, list):
        return "json-patch"
    if isinstance(change.data, dict):
        return "merge-patch"
    where = _where(change, "")
    raise PatchError("a change is a JSON Patch (a list of operations) or a merge patch (an object)", where)


def _where(change: Document, pointer: str) -> str:
    at = change.positions([pointer])[pointer]
    return f"{change.path}:{at.line}:{at.column}"


def _operations(change: Document, kind: str) -> tuple[Operation, ...]:
    if kind == "json-patch":
        pointers = [f"/{i}" for i in range(len(change.data))]
        labels = [_label(raw) for raw in change.data]
    else:
        members = _merge_members(change.data)
        pointers = [join_pointer(path) for path, _ in members]
        labels = [f"member {p or '/'}" for p in pointers]
    positions = change.positions(pointers)
    return tuple(
        Operation(n, label, f"{change.path}:{positions[p].line}:{positions[p].column}", positions[p].line, positions[p].column)
        for n, (p, label) in enumerate(zip(pointers, labels, strict=True), start=1)
    )


def _label(raw: Any) -> str:
    if not isinstance(raw, dict):
        return "not an object"
    op, path = raw.get("op"), raw.get("path")
    text = f"{op} {path}" if isinstance(op, str) and isinstance(path, str) else "malformed"
    source = raw.get("from")
    return f"{text} from {source}" if op in ("move", "copy") and isinstance(source, str) else text


def _applied(target: Any, operations: tuple[Operation, ...], change: Document) -> Iterator[Any]:
    """The document after each operation of a JSON Patch in turn (the same object, changed
    in place), each operation refused before it runs if it would grow the document past
    the bound."""
    own = count_values(change.data)
    values = count_values(target)
    limit = max(values + own, min(GROWTH_FACTOR * (values + own), MAX_PATCHED_VALUES))
    for op, raw in zip(operations, change.data, strict=True):
        values += _growth(target, raw)
        if values > limit:
            raise PatchError(f"operation {op.number} ({op.label}): {_too_big(values, limit)}", op.where)
        target = _apply_operation(target, op, raw)
        yield target


def _too_big(values: int, limit: int) -> str:
    return (
        f"the patched document would hold {values:,} values, more than the {limit:,} allowed"
        f" ({GROWTH_FACTOR} times the snapshot and the change, at most {MAX_PATCHED_VALUES:,})"
    )


def count_values(data: Any) -> int:
    """Every object, array and scalar counts one; without recursion (depth is the readers' bound)."""
    count, stack = 0, [data]
    while stack:
        value = stack.pop()
        count += 1
        if isinstance(value, dict):
            stack.extend(value.values())
        elif isinstance(value, list):
            stack.extend(value)
    return count


def _growth(target: Any, raw: Any) -> int:
    """How many values the operation adds (what it writes, less what it certainly replaces
    or removes), found before it runs so that a copy too big is never made."""
    if not isinstance(raw, dict):
        return 0
    op = raw.get("op")
    written = count_values(raw.get("value")) if op in ("add", "replace") and "value" in raw else 0
    if op == "copy":
        written = _values_at(target, raw.get("from"))
    path = raw.get("path")
    replaced = op in ("remove", "replace") or (op in ("add", "copy", "move") and _is_member(target, path))
    return written - (_values_at(target, path) if replaced else 0)


def _is_member(target: Any, pointer: Any) -> bool:
    """Whether `pointer` names an existing member of an object (which add, copy and move
    replace; in an array they insert)."""
    if not isinstance(pointer, str) or not pointer:
        return pointer == ""
    parent, _, key = pointer.rpartition("/")
    try:
        container = jsonpointer.resolve_pointer(target, parent, None)
    except Exception:  # a malformed pointer: the operation reports it
        return False
    return isinstance(container, dict) and key.replace("~1", "/").replace("~0", "~") in container


def _values_at(target: Any, pointer: Any) -> int:
    """The values under `pointer`, 0 where it names nothing (the operation then fails with its own error)."""
    if not isinstance(pointer, str):
        return 0
    try:
        found = jsonpointer.resolve_pointer(target, pointer, None)
    except Exception:  # a malformed pointer: the operation reports it
        return 0
    return 0 if found is None else count_values(found)


def _test_failure(target: Any, raw: dict[str, Any]) -> str:
    """A failed `test` in JSON's words (the library's message names Python classes)."""
    path = raw.get("path")
    found = jsonpointer.resolve_pointer(target, path, _NOTHING) if isinstance(path, str) else _NOTHING
    where = path or "the document"
    if found is _NOTHING or isinstance(found, jsonpointer.EndOfList):
        return f"nothing at {where}"
    return f"{where} holds {_json_excerpt(found)}, not {_json_excerpt(raw.get('value'))}"


_NOTHING = object()


def _json_excerpt(value: Any, limit: int = 80) -> str:
    text = json.dumps(value, ensure_ascii=False, default=str)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _apply_operation(target: Any, op: Operation, raw: Any) -> Any:
    prefix = f"operation {op.number} ({op.label})"
    if not isinstance(raw, dict):
        raise PatchError(f"{prefix}: an operation is an object with 'op' and 'path'", op.where)
    try:
        return jsonpatch.JsonPatch([raw]).apply(target, in_place=True)
    except jsonpatch.JsonPatchTestFailed:
        raise PatchError(f"{prefix}: test failed: {_test_failure(target, raw)}", op.where) from None
    except jsonpatch.InvalidJsonPatch as exc:
        raise PatchError(f"{prefix}: malformed operation: {exc}", op.where) from None
    except (jsonpatch.JsonPatchConflict, jsonpointer.JsonPointerException, KeyError, IndexError) as exc:
        detail = str(exc)
        if "must start with" in detail or "Invalid" in detail:
            raise PatchError(f"{prefix}: malformed path: {detail}", op.where) from None
        raise PatchError(f"{prefix}: no such path", op.where) from None
    except Exception as exc:  # any other refusal of the library is a malformed operation, never a traceback
        raise PatchError(f"{prefix}: malformed operation: {exc}", op.where) from None


def _anchor(target: Any, raw: dict[str, Any]) -> tuple[Any, Any, Any] | None:
    """(container, key, value) of what the operation wrote; for a removal, the container."""
    parts = split_pointer(raw["path"])
    if raw["op"] == "test":
        return None
    if not parts:
        return (None, None, target)
    parent = target
    for part in parts[:-1]:
        parent = parent[int(part)] if isinstance(parent, list) else parent[part]
    if raw["op"] == "remove":
        return (None, None, parent)
    key: Any = parts[-1]
    if isinstance(parent, list):
        key = len(parent) - 1 if key == "-" else int(key)
    return (parent, key, parent[key])


def _final_pointers(after: Any, anchors: list[tuple[Any, Any, Any] | None]) -> tuple[str | None, ...]:
    index = PointerIndex(after)
    out: list[str | None] = []
    for anchor in anchors:
        if anchor is None:
            out.append(None)
            continue
        parent, key, value = anchor
        if parent is None:  # a whole container: found by identity
            out.append(index.pointer(value) if isinstance(value, (dict, list)) else None)
            continue
        base = index.pointer(parent)
        if base is None:
            out.append(None)
        elif isinstance(parent, list):
            place = next((i for i, x in enumerate(parent) if x is value), key if key < len(parent) else None)
            out.append(None if place is None else f"{base}/{place}")
        else:
            out.append(join_pointer([*split_pointer(base), key]) if key in parent else None)
    return tuple(out)


def _merge_members(patch: Any, path: tuple[str, ...] = ()) -> list[tuple[tuple[str, ...], Any]]:
    """The leaves of a merge patch in file order: each member whose value is not a
    non-empty object (that value replaces, or null removes, what is there)."""
    out: list[tuple[tuple[str, ...], Any]] = []
    for key, value in patch.items():
        if isinstance(value, dict) and value:
            out.extend(_merge_members(value, (*path, key)))
        else:
            out.append(((*path, key), value))
    return out


def _nested(members: list[tuple[tuple[str, ...], Any]]) -> dict[str, Any]:
    patch: dict[str, Any] = {}
    for path, value in members:
        node = patch
        for part in path[:-1]:
            node = node.setdefault(part, {})
        node[path[-1]] = duplicate(value)
    return patch


def _merge_written(after: Any, patch: Any) -> tuple[str | None, ...]:
    """A merge-patch member writes the value at its own path (a removal: its parent)."""
    out: list[str | None] = []
    for path, value in _merge_members(patch):
        written = path if value is not None else path[:-1]
        out.append(join_pointer(list(written)) if _exists(after, written) else None)
    return tuple(out)


def _exists(data: Any, path: tuple[str, ...]) -> bool:
    for part in path:
        if not isinstance(data, dict) or part not in data:
            return False
        data = data[part]
    return True

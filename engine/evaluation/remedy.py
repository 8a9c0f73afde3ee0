"""A finding's remedy as data: the JSON Patch operations (RFC 6902) a policy's `fix:`
declares, with their JSON Pointers computed by the engine, or the candidates of a choice
the tool cannot make. Shared by the evaluation, `fix`, `explain` and the reporters."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import jsonpatch
import jsonpointer

from wxcc_policy.inputs.patches import duplicate

OPS = ("replace", "add", "remove")


@dataclass(frozen=True)
class Operation:
    op: str  # "replace" | "add" | "remove"  (JSON Patch, RFC 6902)
    path: str  # JSON Pointer into the snapshot
    value: Any = None  # unused for remove

    def as_patch(self) -> dict[str, Any]:
        """The operation as a JSON Patch member."""
        if self.op == "remove":
            return {"op": "remove", "path": self.path}
        return {"op": self.op, "path": self.path, "value": self.value}


@dataclass(frozen=True)
class Remedy:
    key: str  # the key of the finding it fixes
    policy: str
    operations: tuple[Operation, ...]
    candidates: tuple[Any, ...] = ()  # a choice the tool cannot make: operations empty

    @property
    def needs_choice(self) -> bool:
        return not self.operations and bool(self.candidates)


def as_patch(operations: Iterable[Operation]) -> list[dict[str, Any]]:
    return [op.as_patch() for op in operations]


def applied(document: Any, operations: Sequence[Operation]) -> Any:
    """`document` with the operations applied in order (JSON Patch semantics), as a new
    value: `document` itself is not changed. Raises ValueError naming the operation that
    cannot be applied (a missing target, an index out of range)."""
    target = duplicate(document)
    for op in operations:
        try:
            target = jsonpatch.JsonPatch([op.as_patch()]).apply(target, in_place=True)
        except (jsonpatch.JsonPatchException, jsonpointer.JsonPointerException) as exc:
            raise ValueError(f"{op.op} {op.path}: {exc}") from None
    return target

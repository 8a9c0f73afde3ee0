"""A finding as the evaluator produces it, before it is located (evaluation/locate.py).

Its own module: the evaluator makes it and the tracer records it, and neither imports
the other for it."""

from __future__ import annotations

from typing import Any, NamedTuple

from wxcc_policy.rules.model import PolicyInfo


class RawOperation(NamedTuple):
    """A fix operation before it is located: `target` is the document element it edits."""

    op: str
    target: Any
    field: str | None
    value: Any


class RawFix(NamedTuple):
    operations: tuple[RawOperation, ...]
    candidates: tuple[Any, ...] = ()  # a choice the tool cannot make: no operations


class RawFinding(NamedTuple):
    """A finding before it is located: `target` is the document element it is about."""

    policy: PolicyInfo
    target: Any
    field: str | None
    entity: str
    message: str
    env: dict[str, Any]  # the bindings that made it fire, for `explain`
    impact: tuple[str, int | float] | None = None  # the policy's measure and this finding's value
    fix: RawFix | None = None  # what the policy's `fix:` gives for it

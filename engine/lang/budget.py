"""The evaluation budget: how much work, time and memory one document may cost.

A policy is a program, and a shared policy pack must not be able to hang a
pre-commit hook or a CI gate: exponential recursion in a library function, a
collection that doubles at each call, or a quadratic scan of a large tenant end in
a located error instead. The budget is checked at coarse points only (each library
call, each collection a built-in function or a loop walks, each `+` of lists or
text), never per element of a hot loop, so it costs nothing measurable.

One step is about one element visited: a loop iteration, an item passed through a
built-in function's lambda, an item sorted, copied or joined. A library function
call counts CALL_STEPS (it costs as much as that many visited items). Steps make
the budget deterministic: the same document and policies always stop at the same
point. Wall-clock time is a backstop for what steps cannot foresee.
"""

from __future__ import annotations

import time
from typing import Any, NamedTuple

from wxcc_policy.errors import BudgetExceeded
from wxcc_policy.lang.names import BUDGET_KEY

CALL_STEPS = 20
_TIME_CHECK_EVERY = 100_000  # steps between two looks at the clock


class Limits(NamedTuple):
    """Per document. A document may spend `steps`, plus `steps_per_element` for each
    element of its top-level lists: legitimate work grows with the tenant, a runaway
    policy's does not. The built-in policies spend about 3.5 steps per element: 3,500,000
    on a 1,000,000-user tenant, a ninth of its 31,000,000 (docs/policy-language.md#limits)."""

    steps: int = 10_000_000
    steps_per_element: int = 20
    seconds: float = 60.0
    collection_size: int = 10_000_000
    string_length: int = 10_000_000

    @classmethod
    def from_config(cls, config: dict[str, Any]) -> Limits:
        """From the configuration file's `limits` section (validated by its schema)."""
        return cls(**{_FIELDS[key]: value for key, value in config.items() if key in _FIELDS})


# The configuration's names of the limits.
_FIELDS = {
    "steps": "steps",
    "stepsPerElement": "steps_per_element",
    "seconds": "seconds",
    "collectionSize": "collection_size",
    "stringLength": "string_length",
}


# Where each limit is set, for messages that say how to raise it.
_SETTING = {field: f"limits.{key}" for key, field in _FIELDS.items()}


class Budget:
    """What is left of one document's limits. Shared by every policy evaluated on it."""

    __slots__ = ("_checkpoint", "deadline", "left", "limits", "steps")

    def __init__(self, limits: Limits = Limits(), elements: int = 0) -> None:  # noqa: B008 - an immutable NamedTuple
        self.limits = limits
        self.steps = limits.steps + limits.steps_per_element * elements
        self.left = self.steps
        self.deadline = time.monotonic() + limits.seconds
        self._checkpoint = self.left - _TIME_CHECK_EVERY

    @property
    def used(self) -> int:
        return self.steps - self.left

    def spend(self, steps: int) -> None:
        self.left -= steps
        if self.left < self._checkpoint:
            self._check()

    def _check(self) -> None:
        if self.left < 0:
            raise _exceeded(f"more than {self.steps:,} steps", "steps")
        if time.monotonic() > self.deadline:
            raise _exceeded(f"more than {self.limits.seconds:g} seconds", "seconds")
        self._checkpoint = self.left - _TIME_CHECK_EVERY

    def collection(self, size: int) -> None:
        """Before building a collection of `size` items by growing others (`+`, concat, flatMap)."""
        if size > self.limits.collection_size:
            raise _exceeded(f"a collection of {size:,} items (more than {self.limits.collection_size:,})", "collection_size")
        self.spend(size)

    def text(self, length: int) -> None:
        """Before building (or after rendering) a string of `length` characters."""
        if length > self.limits.string_length:
            raise _exceeded(f"a string of {length:,} characters (more than {self.limits.string_length:,})", "string_length")
        self.spend(length // 64)  # copying text is fast: one step per 64 characters


def _exceeded(what: str, limit: str) -> BudgetExceeded:
    return BudgetExceeded(f"evaluation budget exceeded: {what}; raise {_SETTING[limit]} in the configuration if this is expected")


UNLIMITED = Limits(steps=2**62, steps_per_element=0, seconds=float("inf"), collection_size=2**62, string_length=2**62)


class _NoBudget(Budget):
    """For environments without one (a bare compiled expression): never runs out."""

    __slots__ = ()

    def spend(self, steps: int) -> None:
        pass


NO_BUDGET: Budget = _NoBudget(UNLIMITED)


def document_elements(data: Any) -> int:
    """The number of elements of a document's top-level lists: what its allowance grows with."""
    if not isinstance(data, dict):
        return 0
    return sum(len(value) for value in data.values() if isinstance(value, list))


def budget_of(env: dict[str, Any]) -> Budget:
    """The budget of the document being evaluated (none for a bare expression)."""
    budget: Budget = env.get(BUDGET_KEY, NO_BUDGET)
    return budget

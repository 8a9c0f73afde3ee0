"""Recording one evaluation as it happens, for `explain`.

The evaluator calls a `Tracer` (when it is given one) at each step: the policy's
`define`s, each element a loop binds and whether its `where` selected it, each `let`,
the outcome of the condition, and each finding with its `report.let`s. The runtime
reports every library value and function call through `derive`, so derived values
are recorded with their arguments, results and the derived values they used, nested,
each once per run however often it is used. Nothing here re-evaluates anything.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, NamedTuple

from wxcc_policy.evaluation.raw_findings import RawFinding
from wxcc_policy.lang.runtime import Runtime

_SCALARS = (str, int, float, bool, type(None))
_PENDING = object()  # the value of a derived value still being computed


class Derived:
    """A library value (args None) or a function call, its result, and the derived
    values its computation used (in first-use order)."""

    __slots__ = ("args", "name", "parts", "value")

    def __init__(self, name: str, args: tuple[Any, ...] | None) -> None:
        self.name = name
        self.args = args
        self.value: Any = _PENDING
        self.parts: dict[int, Derived] = {}  # by id(): a set that keeps its order


class Binding(NamedTuple):
    name: str
    role: str  # "define", "loop", "let" or "report": the policy section that bound it
    value: Any


class LevelCount:
    """How many elements one forEach level examined and selected (over all the
    elements of the levels around it)."""

    __slots__ = ("examined", "name", "selected")

    def __init__(self, name: str) -> None:
        self.name = name
        self.examined = 0
        self.selected = 0


class Frame:
    """What one scope bound and which derived values it used directly: the policy body,
    or one element of one loop level."""

    __slots__ = ("bindings", "uses")

    def __init__(self, bindings: list[Binding] | None = None) -> None:
        self.bindings: list[Binding] = bindings or []
        self.uses: dict[int, Derived] = {}


class TracedFinding(NamedTuple):
    raw: RawFinding
    bindings: tuple[Binding, ...]  # loop variables, lets and report lets, in binding order
    condition: Any  # the value of the condition that failed (false or null)
    uses: tuple[Derived, ...]  # derived values used directly by its where, lets, condition and report


class Tracer:
    def __init__(self) -> None:
        self.defines = Frame()
        self.main = Frame()  # the policy body: the outer loop's `in`, or a loop-less policy's lets and condition
        self.levels: list[LevelCount] = []
        self.conditions_checked = 0
        self.findings: list[TracedFinding] = []
        self.derived: dict[tuple[Any, ...], Derived] = {}  # every derived value, by name and arguments
        self._frames: list[Frame] = []  # empty while the defines run
        self._computing: list[Derived] = []
        self.last_condition: Any = None

    # -- called by the evaluator ---------------------------------------------------------
    def attach(self, runtime: Runtime) -> Callable[[], None]:
        """Observe the runtime's derived values; returns the function that stops it."""
        runtime.observe(self.derive)
        return lambda: runtime.observe(None)

    def define(self, name: str, value: Any) -> None:
        self.defines.bindings.append(Binding(name, "define", value))

    def body(self, loop_names: tuple[str, ...]) -> None:
        """The defines are done; the loops (or the single check) begin."""
        self.levels = [LevelCount(name) for name in loop_names]
        self._frames = [self.main]

    def element(self, level: int, name: str, item: Any) -> None:
        del self._frames[level + 1 :]
        self._frames.append(Frame([Binding(name, "loop", item)]))
        self.levels[level].examined += 1

    def selected(self, level: int) -> None:
        self.levels[level].selected += 1

    def bind(self, name: str, role: str, value: Any) -> None:
        self._frames[-1].bindings.append(Binding(name, role, value))

    def condition(self, value: Any) -> None:
        self.conditions_checked += 1
        self.last_condition = value

    def finding(self, raw: RawFinding) -> None:
        bindings = tuple(b for frame in self._frames for b in frame.bindings)
        uses: dict[int, Derived] = {}
        for frame in self._frames:
            uses.update(frame.uses)
        self.findings.append(TracedFinding(raw, bindings, self.last_condition, tuple(uses.values())))
        self._frames[-1].bindings = [b for b in self._frames[-1].bindings if b.role != "report"]

    # -- called by the runtime -----------------------------------------------------------
    def derive(self, name: str, args: list[Any] | None, compute: Callable[[], Any]) -> Any:
        key = (name, None) if args is None else (name, *map(_identity, args))
        node = self.derived.get(key)
        if node is None:
            node = self.derived[key] = Derived(name, None if args is None else tuple(args))
            self._computing.append(node)
            try:
                node.value = compute()
            finally:
                self._computing.pop()
        elif node.value is _PENDING:  # used again while being computed (recursion)
            return compute()
        user = self._computing[-1].parts if self._computing else self._scope().uses
        user[id(node)] = node
        return node.value  # library values and functions are pure: the same arguments, the same result

    def _scope(self) -> Frame:
        return self._frames[-1] if self._frames else self.defines


def _identity(value: Any) -> Any:
    """Scalars by type and value (1, 1.0 and true are different arguments); anything else
    by identity: the node keeps the argument alive, so its id is never reused."""
    return (value.__class__, value) if value.__class__ in _SCALARS else ("@id", id(value))

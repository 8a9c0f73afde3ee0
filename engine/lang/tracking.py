"""Date tracking for forecasts: on which later days could an evaluation turn out differently?

An evaluation date is passed to the policies as a `TrackedStr`, a `str` that remembers
its `Series`: the value it would have on every day of a horizon. Every value computed
from it keeps a series too (operators and built-ins derive one), and every use that can
steer an evaluation records the days on which its outcome changes:

- a comparison (==, !=, <, <=, >, >=) with any value: the days on which the
  three-way comparison of the series with that value changes;
- a use as a key (hash), as a list index, as a truth value, or a built-in result
  that cannot carry a series (a boolean, a list): the days on which that value changes.

Python gives a subclass's reflected method priority over its base type's, so both
`x < asOf` and `asOf < x` reach the tracked value. Between two consecutive recorded
days every decision of the evaluation comes out the same, so the evaluation does too
(messages aside). Generic: nothing here knows what the dates mean.
"""

from __future__ import annotations

import bisect
import operator
from collections.abc import Callable, Iterable
from functools import cache
from typing import Any

from wxcc_policy.lang import builtins as builtin_module
from wxcc_policy.lang.runtime import Runtime

_FAILED = object()  # a table entry whose computation raised
_PLAIN = (str, int, float, bool, type(None))


class Horizon:
    """The days an evaluation date ranges over (index 0 is the evaluation date itself),
    and what the current evaluation recorded about them."""

    def __init__(self, days: list[str]) -> None:
        self.days = days
        self.base = Series(self, None, ())
        self._comparisons: dict[tuple[int, Any], tuple[Series, Any]] = {}
        self._changes: dict[int, Series] = {}
        self.rendering_keys = False

    def as_of(self, index: int) -> TrackedStr:
        return TrackedStr.of(self.days[index], self.base)

    def compared(self, series: Series, other: Any) -> None:
        if type(other) in _PLAIN:
            self._comparisons.setdefault((id(series), other), (series, other))
        elif isinstance(other, TRACKED):
            self._comparisons.setdefault((id(series), ("@series", id(other.series))), (series, other.series))
        else:  # a list or an object: compared by identity, kept alive by the entry
            self._comparisons.setdefault((id(series), ("@id", id(other))), (series, other))

    def changes(self, series: Series) -> None:
        self._changes.setdefault(id(series), series)

    def critical_days(self) -> set[int]:
        """Days (indexes ≥ 1) on which something the evaluation recorded changes its outcome;
        the records are cleared for the next evaluation."""
        days: set[int] = set()
        for series, other in self._comparisons.values():
            days.update(series.comparison_changes(other))
        for series in self._changes.values():
            days.update(series.value_changes())
        self._comparisons.clear()
        self._changes.clear()
        return days


class Series:
    """A value as a function of the evaluation date: `fn(*args)` with every series among
    `args` replaced by its value on that day. The base series is the date itself."""

    __slots__ = ("_key", "_monotone", "_table", "args", "fn", "horizon")

    def __init__(self, horizon: Horizon, fn: Callable[..., Any] | None, args: tuple[Any, ...]) -> None:
        self.horizon = horizon
        self.fn = fn
        self.args = args
        self._table: list[Any] | None = None
        self._monotone: int | None = None
        self._key: Any = None

    def key(self) -> Any:
        """Structural identity: two series with equal keys have equal values every day."""
        if self._key is None:
            parts = tuple(a.key() if isinstance(a, Series) else _constant_key(a) for a in self.args)
            self._key = ("@series", id(self.fn) if self.fn else 0, parts)
        return self._key

    def table(self) -> list[Any]:
        if self._table is None:
            self._table = self.horizon.days if self.fn is None else self._compute()
        return self._table

    def _compute(self) -> list[Any]:
        fn = self.fn
        assert fn is not None
        columns = [a.table() if isinstance(a, Series) else None for a in self.args]
        out = []
        for i in range(len(self.horizon.days)):
            values = [a if col is None else col[i] for a, col in zip(self.args, columns, strict=True)]
            if any(v is _FAILED for v in values):
                out.append(_FAILED)
                continue
            try:
                out.append(fn(*values))
            except Exception:  # the evaluation on that day fails the same way; a change all the same
                out.append(_FAILED)
        return out

    def value_changes(self) -> list[int]:
        table = self.table()
        return [i for i in range(1, len(table)) if not _same(table[i], table[i - 1])]

    def comparison_changes(self, other: Any) -> list[int]:
        table = self.table()
        if isinstance(other, Series):
            theirs = other.table()
            signs = [_sign(a, b) for a, b in zip(table, theirs, strict=True)]
            return [i for i in range(1, len(signs)) if signs[i] != signs[i - 1]]
        direction = self.monotone()
        if direction and _comparable(table[0], other):
            return _monotone_changes(table, other, direction)
        signs = [_sign(a, other) for a in table]
        return [i for i in range(1, len(signs)) if signs[i] != signs[i - 1]]

    def monotone(self) -> int:
        """1 when the table never decreases, -1 when it never increases, 0 otherwise
        (or when its values are not all of one comparable kind)."""
        if self._monotone is None:
            self._monotone = _direction(self.table())
        return self._monotone


def _constant_key(value: Any) -> Any:
    if type(value) in _PLAIN:
        return (type(value).__name__, value)
    return ("@id", id(value))


def _same(a: Any, b: Any) -> bool:
    try:
        return a is b or bool(a == b and a.__class__ is b.__class__)
    except Exception:
        return False


def _sign(a: Any, b: Any) -> Any:
    if a is _FAILED or b is _FAILED:
        return "failed"
    try:
        return (a > b) - (a < b)
    except TypeError:  # not ordered: only equality can be asked
        return "equal" if a == b else "different"


def _kind(value: Any) -> type | None:
    if isinstance(value, str):
        return str
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return float
    return None


def _comparable(sample: Any, other: Any) -> bool:
    return _kind(sample) is not None and _kind(sample) is _kind(other)


def _direction(table: list[Any]) -> int:
    kind = _kind(table[0])
    if kind is None or any(_kind(v) is not kind for v in table):
        return 0
    if all(a <= b for a, b in zip(table, table[1:], strict=False)):  # noqa: RUF007 - plain and fast
        return 1
    if all(a >= b for a, b in zip(table, table[1:], strict=False)):  # noqa: RUF007
        return -1
    return 0


def _monotone_changes(table: list[Any], other: Any, direction: int) -> list[int]:
    """For a sorted table the three-way comparison with `other` changes at most twice,
    where `other` would be inserted: found by bisection."""
    last = len(table) - 1
    if direction > 0:
        points = (bisect.bisect_left(table, other), bisect.bisect_right(table, other))
        return [i for i in points if 1 <= i <= last]
    rising = table[::-1]
    points = (bisect.bisect_left(rising, other), bisect.bisect_right(rising, other))
    return [last - j + 1 for j in points if 1 <= j <= last]


# -- tracked values -------------------------------------------------------------------------


def track(value: Any, series: Series) -> Any:
    """`value` carrying `series`; a value that cannot carry one records its changes."""
    value = _plain(value)
    cls = type(value)
    if cls is str:
        return TrackedStr.of(value, series)
    if cls is int:
        return TrackedInt.of(value, series)
    if cls is float:
        return TrackedFloat.of(value, series)
    series.horizon.changes(series)
    return value


def _series(value: Any) -> Any:
    return value.series if isinstance(value, TRACKED) else value


def derive(fn: Callable[..., Any], result: Any, args: Iterable[Any]) -> Any:
    parts = tuple(_series(a) for a in args)
    horizon = next(p.horizon for p in parts if isinstance(p, Series))
    return track(result, Series(horizon, fn, parts))


class _Tracked:
    """The methods shared by the tracked str, int and float: record, then answer as the base type."""

    series: Series
    _base: Any  # str, int or float

    @property  # type: ignore[misc]
    def __class__(self) -> type:
        """The base type: code that tests `x.__class__ is str` treats a tracked value as
        the plain value it equals (type(x) still tells them apart)."""
        return self._base

    def _noted(self, other: Any) -> Any:
        self.series.horizon.compared(self.series, other)
        return self._base

    def __eq__(self, other: object) -> Any:
        return self._noted(other).__eq__(self, other)

    def __ne__(self, other: object) -> Any:
        return self._noted(other).__ne__(self, other)

    def __lt__(self, other: Any) -> Any:
        return self._noted(other).__lt__(self, other)

    def __le__(self, other: Any) -> Any:
        return self._noted(other).__le__(self, other)

    def __gt__(self, other: Any) -> Any:
        return self._noted(other).__gt__(self, other)

    def __ge__(self, other: Any) -> Any:
        return self._noted(other).__ge__(self, other)

    def __hash__(self) -> int:
        self.series.horizon.changes(self.series)  # used as a key: any change of value matters
        return int(self._base.__hash__(self))

    def __bool__(self) -> bool:
        derive(bool, None, (self,))  # records the days its truth value changes
        return bool(_plain(self))

    def _arith(self, op: Callable[[Any, Any], Any], other: Any, reflected: bool) -> Any:
        a, b = (other, self) if reflected else (self, other)
        result = op(_plain(a), _plain(b))
        return derive(op, result, (a, b))


def _plain(value: Any) -> Any:
    """The value without its series (the base type's own conversion records nothing)."""
    cls = type(value)
    if cls is TrackedStr:
        return str.__str__(value)
    if cls is TrackedInt:
        return int.__int__(value)
    if cls is TrackedFloat:
        return float.__float__(value)
    return value


class TrackedStr(_Tracked, str):
    _base = str

    @classmethod
    def of(cls, value: str, series: Series) -> TrackedStr:
        obj = cls(value)
        obj.series = series
        return obj

    def __str__(self) -> str:
        if self.series.horizon.rendering_keys:  # a finding key that shows the date changes with it
            self.series.horizon.changes(self.series)
        return str.__str__(self)

    def __add__(self, other: Any) -> Any:
        if not isinstance(other, str):
            return NotImplemented
        return self._arith(operator.add, other, False)

    def __radd__(self, other: Any) -> Any:
        if not isinstance(other, str):
            return NotImplemented
        return self._arith(operator.add, other, True)

    def __contains__(self, item: Any) -> bool:
        derive(operator.contains, None, (self, item))
        return str.__contains__(self, item)

    __hash__ = _Tracked.__hash__


class _TrackedNumber(_Tracked):
    def __add__(self, other: Any) -> Any:
        return self._arith(operator.add, other, False)

    def __radd__(self, other: Any) -> Any:
        return self._arith(operator.add, other, True)

    def __sub__(self, other: Any) -> Any:
        return self._arith(operator.sub, other, False)

    def __rsub__(self, other: Any) -> Any:
        return self._arith(operator.sub, other, True)

    def __mul__(self, other: Any) -> Any:
        return self._arith(operator.mul, other, False)

    def __rmul__(self, other: Any) -> Any:
        return self._arith(operator.mul, other, True)

    def __truediv__(self, other: Any) -> Any:
        return self._arith(operator.truediv, other, False)

    def __rtruediv__(self, other: Any) -> Any:
        return self._arith(operator.truediv, other, True)

    def __mod__(self, other: Any) -> Any:
        return self._arith(operator.mod, other, False)

    def __rmod__(self, other: Any) -> Any:
        return self._arith(operator.mod, other, True)

    def __neg__(self) -> Any:
        return derive(operator.neg, -_plain(self), (self,))

    def __abs__(self) -> Any:
        return derive(abs, abs(_plain(self)), (self,))


class TrackedInt(_TrackedNumber, int):
    _base = int

    @classmethod
    def of(cls, value: int, series: Series) -> TrackedInt:
        obj = cls(value)
        obj.series = series
        return obj

    __hash__ = _Tracked.__hash__

    def __index__(self) -> int:  # a list index: any change of value matters
        self.series.horizon.changes(self.series)
        return int.__int__(self)


class TrackedFloat(_TrackedNumber, float):
    _base = float

    @classmethod
    def of(cls, value: float, series: Series) -> TrackedFloat:
        obj = cls(value)
        obj.series = series
        return obj

    __hash__ = _Tracked.__hash__


TRACKED = (TrackedStr, TrackedInt, TrackedFloat)
_TRACKED_CLASSES = frozenset(TRACKED)


# -- built-ins and library functions --------------------------------------------------------


def _tracking_builtin(impl: Callable[..., Any]) -> Callable[..., Any]:
    """A built-in that, given a tracked argument, derives its result's series. Lambdas
    (`Lam`) run with the caller's environment: such a call records every day instead."""

    def on_plain_values(*values: Any) -> Any:  # one function per built-in: series keys stay stable
        return impl({}, *values)

    def apply(env: dict[str, Any], *args: Any) -> Any:
        if not any(type(a) in _TRACKED_CLASSES for a in args):
            return impl(env, *args)
        result = impl(env, *(_plain(a) for a in args))
        if any(isinstance(a, builtin_module.Lam) for a in args):
            tracked = next(a for a in args if type(a) in _TRACKED_CLASSES)
            tracked.series.horizon.changes(tracked.series.horizon.base)
            return result
        return derive(on_plain_values, result, args)

    apply.tracking = True  # type: ignore[attr-defined]
    return apply


@cache
def tracking_builtins() -> dict[str, builtin_module.Builtin]:
    """The built-in table with every built-in propagating series, for a compiler that
    compiles a forecast's policies (`load_policy_set(..., tracking=True)`); the table
    itself is left as it is, so a tracked and a plain policy set live side by side.
    Without a tracked argument a built-in behaves as before, at the cost of one test per
    call. One table per process: series keys name the wrapped functions."""
    return {name: spec._replace(impl=_tracking_builtin(spec.impl)) for name, spec in builtin_module.BUILTINS.items()}


class TrackingRuntime(Runtime):
    """A runtime whose library-function memo tells a tracked argument from a plain one
    of equal value: a result computed for a plain date carries no records."""

    def __init__(self, *args: Any) -> None:
        super().__init__(*args)
        self._tracked_memo: dict[Any, Any] = {}

    def call(self, name: str, args: list[Any]) -> Any:
        if not any(type(a) in _TRACKED_CLASSES for a in args):
            return super().call(name, args)
        key = None
        if all(type(a) in _TRACKED_CLASSES or type(a) in _PLAIN for a in args):
            key = (name, *(a.series.key() if type(a) in _TRACKED_CLASSES else _constant_key(a) for a in args))
            if key in self._tracked_memo:
                return self._tracked_memo[key]
        # Computed here, not by Runtime.call: its memo would take the tracked date for the
        # plain one it equals (and hash it, which records every day).
        fn = self._functions[name]
        env = dict(self.base)
        env.update(zip(fn.params, args, strict=False))
        result = fn.body(env)
        if key is not None:
            self._tracked_memo[key] = result
        return result

"""Built-in functions of the policy language. Generic: none knows any snapshot field.

Each takes the evaluation environment first; lambda arguments arrive as `Lam`.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from functools import lru_cache
from typing import Any, NamedTuple

from wxcc_policy.lang import dates
from wxcc_policy.lang.values import EvalError, hashable, render, sort_key, type_name

Env = dict[str, Any]
_UNSET = object()


class Lam:
    """A compiled `x -> expr`, called with the caller's environment."""

    __slots__ = ("body", "field", "params")

    def __init__(self, params: tuple[str, ...], body: Callable[[Env], Any], field: str | None = None) -> None:
        self.params = params
        self.body = body
        self.field = field  # set when the body is just `param.field`

    def results(self, env: Env, items: Iterable[Any]) -> list[Any]:
        """The body's value for each item, the item bound to the (single) parameter."""
        if self.field is not None:
            field = self.field
            try:
                return [x.get(field) for x in items]
            except AttributeError:  # some item is not an object
                return [x.get(self.field) if x.__class__ is dict else None for x in items]
        name, body = self.params[0], self.body
        saved = env.get(name, _UNSET)
        out = []
        for item in items:
            env[name] = item
            out.append(body(env))
        if saved is _UNSET:
            env.pop(name, None)
        else:
            env[name] = saved
        return out


def _items(value: Any, fn: str) -> list[Any] | tuple[Any, ...]:
    if value is None:
        return []
    if isinstance(value, (list, tuple)):
        return value
    if isinstance(value, (set, frozenset)):
        return sorted(value, key=sort_key)
    raise EvalError(f"{fn}() needs a list, got a {type_name(value)}")


def _count(env: Env, xs: Any, pred: Lam | None = None) -> int:
    items = _items(xs, "count")
    return len(items) if pred is None else sum(1 for r in pred.results(env, items) if r)


def _first(env: Env, xs: Any) -> Any:
    items = _items(xs, "first")
    return items[0] if items else None


def _last(env: Env, xs: Any) -> Any:
    items = _items(xs, "last")
    return items[-1] if items else None


def _filter(env: Env, xs: Any, pred: Lam) -> list[Any]:
    items = _items(xs, "filter")
    return [x for x, keep in zip(items, pred.results(env, items), strict=False) if keep]


def _map(env: Env, xs: Any, fn: Lam) -> list[Any]:
    return fn.results(env, _items(xs, "map"))


def _flat_map(env: Env, xs: Any, fn: Lam) -> list[Any]:
    return [y for ys in fn.results(env, _items(xs, "flatMap")) for y in _items(ys, "flatMap")]


def _any(env: Env, xs: Any, pred: Lam) -> bool:
    return any(pred.results(env, _items(xs, "any")))


def _all(env: Env, xs: Any, pred: Lam) -> bool:
    return all(pred.results(env, _items(xs, "all")))


def _sort(env: Env, xs: Any, key: Lam | None = None) -> list[Any]:
    items = _items(xs, "sort")
    keys = key.results(env, items) if key else list(items)
    try:
        order = sorted(range(len(items)), key=lambda i: sort_key(keys[i]))
    except TypeError:
        raise EvalError("sort() keys must be all numbers or all strings") from None
    return [items[i] for i in order]


def _extreme(env: Env, args: tuple[Any, ...], fn: str, pick: Callable[..., Any]) -> Any:
    if len(args) == 2 and isinstance(args[1], Lam):
        items = _items(args[0], fn)
        keys = args[1].results(env, items)
        pairs = [(sort_key(k), i) for i, k in enumerate(keys) if k is not None]
        return items[pick(pairs)[1]] if pairs else None
    values = [v for v in (_items(args[0], fn) if len(args) == 1 else args) if v is not None]
    try:
        return pick(values) if values else None
    except TypeError:
        raise EvalError(f"{fn}() values must be all numbers or all strings") from None


def _min(env: Env, *args: Any) -> Any:
    return _extreme(env, args, "min", min)


def _max(env: Env, *args: Any) -> Any:
    return _extreme(env, args, "max", max)


def _sum(env: Env, xs: Any, fn: Lam | None = None) -> Any:
    items = _items(xs, "sum")
    values = fn.results(env, items) if fn else items
    total: Any = 0
    for v in values:
        if v is None:
            continue
        if not isinstance(v, (int, float)) or isinstance(v, bool):
            raise EvalError(f"sum() adds numbers, got {render(v)!r}")
        total += v
    return total


def _keys_of(env: Env, xs: Any, fn: Lam, name: str) -> tuple[list[Any] | tuple[Any, ...], list[Any]]:
    items, keys, _ = _keys_and_set(env, xs, fn, name)
    return items, keys


def _keys_and_set(env: Env, xs: Any, fn: Lam, name: str) -> tuple[list[Any] | tuple[Any, ...], list[Any], set[Any]]:
    """The items, their keys (lists made hashable) and the set of distinct keys."""
    items = _items(xs, name)
    keys = fn.results(env, items)
    try:
        distinct = set(keys)  # all hashable already: the usual case, at C speed
    except TypeError:
        keys = [hashable(k) for k in keys]
        distinct = set(keys)
    return items, keys, distinct


def _distinct(env: Env, xs: Any, fn: Lam | None = None) -> list[Any]:
    items = _items(xs, "distinct")
    keys = [hashable(k) for k in fn.results(env, items)] if fn else [hashable(x) for x in items]
    seen: dict[Any, Any] = {}
    for k, x in zip(keys, items, strict=False):
        seen.setdefault(k, x)
    return list(seen.values())


def _group_by(env: Env, xs: Any, fn: Lam) -> list[dict[str, Any]]:
    items, keys = _keys_of(env, xs, fn, "groupBy")
    groups: dict[Any, list[Any]] = {}
    for k, x in zip(keys, items, strict=False):
        groups.setdefault(k, []).append(x)
    return [{"key": k, "items": g} for k, g in groups.items()]


def _index(env: Env, xs: Any, fn: Lam) -> dict[Any, Any]:
    items, keys = _keys_of(env, xs, fn, "index")
    out: dict[Any, Any] = {}
    for k, x in zip(keys, items, strict=False):
        out.setdefault(k, x)
    return out


def _sum_by(env: Env, xs: Any, key: Lam, value: Lam) -> dict[Any, Any]:
    items, keys = _keys_of(env, xs, key, "sumBy")
    out: dict[Any, Any] = {}
    for k, v in zip(keys, value.results(env, items), strict=False):
        out[k] = out.get(k, 0) + (v or 0)
    return out


def _count_by(env: Env, xs: Any, key: Lam) -> dict[Any, int]:
    _, keys = _keys_of(env, xs, key, "countBy")
    out: dict[Any, int] = {}
    for k in keys:
        out[k] = out.get(k, 0) + 1
    return out


def _duplicates(env: Env, xs: Any, fn: Lam) -> list[dict[str, Any]]:
    items, keys, distinct = _keys_and_set(env, xs, fn, "duplicates")
    if len(distinct) == len(keys):
        return []  # the usual case, decided at C speed
    first: dict[Any, Any] = {}
    seen: dict[Any, int] = {}
    out = []
    for k, x in zip(keys, items, strict=False):
        seen[k] = seen.get(k, 0) + 1
        if seen[k] == 1:
            first[k] = x
        else:
            out.append({"item": x, "key": k, "occurrence": seen[k], "first": first[k]})
    return out


def _slice(env: Env, xs: Any, start: Any, end: Any = None) -> list[Any]:
    return list(_items(xs, "slice")[start:end])


def _set(env: Env, xs: Any) -> frozenset[Any]:
    return frozenset(hashable(x) for x in _items(xs, "set"))


def _concat(env: Env, *lists: Any) -> list[Any]:
    return [x for xs in lists for x in _items(xs, "concat")]


def _mapping(value: Any, fn: str) -> dict[Any, Any]:
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise EvalError(f"{fn}() needs an object, got a {type_name(value)}")
    return value


def _keys(env: Env, m: Any) -> list[Any]:
    return list(_mapping(m, "keys"))


def _values(env: Env, m: Any) -> list[Any]:
    return list(_mapping(m, "values").values())


def _get(env: Env, m: Any, key: Any, default: Any = None) -> Any:
    value = _mapping(m, "get").get(hashable(key))
    return default if value is None else value


def _join(env: Env, xs: Any, sep: Any = ", ") -> str:
    return str(sep).join(render(x) for x in _items(xs, "join"))


def _str(env: Env, x: Any) -> str:
    return render(x)


def _string_fn(fn: Callable[..., Any]) -> Callable[..., Any]:
    def apply(env: Env, s: Any, *rest: Any) -> Any:
        return None if s is None else fn(render(s), *rest)

    return apply


@lru_cache(maxsize=256)
def _regex(pattern: str) -> re.Pattern[str]:
    try:
        return re.compile(pattern)
    except re.error as exc:
        raise EvalError(f"invalid regular expression {pattern!r}: {exc}") from None


def _matches(env: Env, s: Any, pattern: Any) -> bool:
    return s is not None and _regex(str(pattern)).search(render(s)) is not None


def _abs(env: Env, x: Any) -> Any:
    return None if x is None else abs(x)


def _plain(fn: Callable[..., Any]) -> Callable[..., Any]:
    def apply(env: Env, *args: Any) -> Any:
        return fn(*args)

    return apply


class Builtin(NamedTuple):
    impl: Callable[..., Any]
    signature: str
    doc: str
    min_args: int
    max_args: int
    lambda_at: tuple[int, ...] = ()  # positions that must be lambdas
    optional_lambda_at: tuple[int, ...] = ()  # positions that may be lambdas
    shape: str | None = None  # how the compiler infers the result's shape


def _b(impl: Callable[..., Any], sig: str, doc: str, lo: int, hi: int, **kw: Any) -> Builtin:
    return Builtin(impl, sig, doc, lo, hi, **kw)


BUILTINS: dict[str, Builtin] = {
    "count": _b(_count, "count(xs[, x -> cond])", "Number of items (that satisfy cond).", 1, 2,
                optional_lambda_at=(1,)),
    "first": _b(_first, "first(xs)", "First item, or null.", 1, 1, shape="item"),
    "last": _b(_last, "last(xs)", "Last item, or null.", 1, 1, shape="item"),
    "filter": _b(_filter, "filter(xs, x -> cond)", "Items that satisfy cond, in order.", 2, 2,
                 lambda_at=(1,), shape="list"),
    "map": _b(_map, "map(xs, x -> value)", "The value for each item.", 2, 2, lambda_at=(1,), shape="mapped"),
    "flatMap": _b(_flat_map, "flatMap(xs, x -> list)", "The lists for each item, concatenated.", 2, 2,
                  lambda_at=(1,), shape="flat"),
    "any": _b(_any, "any(xs, x -> cond)", "True when some item satisfies cond.", 2, 2, lambda_at=(1,)),
    "all": _b(_all, "all(xs, x -> cond)", "True when every item satisfies cond (and for no items).", 2, 2,
              lambda_at=(1,)),
    "sort": _b(_sort, "sort(xs[, x -> key])", "Stable ascending sort; a list key sorts by each part in turn, "
               "null first.", 1, 2, optional_lambda_at=(1,), shape="list"),
    "min": _b(_min, "min(xs[, x -> key]) | min(a, b, ...)", "Smallest value, or the item with the smallest "
              "key (the first on ties); nulls are ignored.", 1, 99, optional_lambda_at=(1,), shape="minmax"),
    "max": _b(_max, "max(xs[, x -> key]) | max(a, b, ...)", "Largest value, or the item with the largest key "
              "(the first on ties); nulls are ignored.", 1, 99, optional_lambda_at=(1,), shape="minmax"),
    "sum": _b(_sum, "sum(xs[, x -> number])", "Sum of the numbers (nulls count as 0).", 1, 2,
              optional_lambda_at=(1,)),
    "distinct": _b(_distinct, "distinct(xs[, x -> key])", "First item of each distinct key, in order.", 1, 2,
                   optional_lambda_at=(1,), shape="list"),
    "groupBy": _b(_group_by, "groupBy(xs, x -> key)", "Groups `{key, items}` in order of first appearance; "
                  "a list key groups by several values.", 2, 2, lambda_at=(1,), shape="groups"),
    "index": _b(_index, "index(xs, x -> key)", "Object from key to the first item with that key: a lookup "
                "table built once.", 2, 2, lambda_at=(1,), shape="index"),
    "sumBy": _b(_sum_by, "sumBy(xs, x -> key, x -> number)", "Object from key to the sum of its numbers.",
                3, 3, lambda_at=(1, 2)),
    "countBy": _b(_count_by, "countBy(xs, x -> key)", "Object from key to its number of items.", 2, 2,
                  lambda_at=(1,)),
    "duplicates": _b(_duplicates, "duplicates(xs, x -> key)", "For each item whose key an earlier item "
                     "already had: `{item, key, occurrence, first}` (occurrence 2, 3, ...).", 2, 2,
                     lambda_at=(1,), shape="duplicates"),
    "slice": _b(_slice, "slice(xs, start[, end])", "Items from index start up to (not including) end.", 2, 3,
                shape="list"),
    "set": _b(_set, "set(xs)", "A set, for fast `in` tests.", 1, 1),
    "concat": _b(_concat, "concat(xs, ys, ...)", "The lists one after the other.", 1, 99, shape="list"),
    "keys": _b(_keys, "keys(obj)", "An object's keys, in order.", 1, 1),
    "values": _b(_values, "values(obj)", "An object's values, in order.", 1, 1, shape="values"),
    "get": _b(_get, "get(obj, key[, default])", "obj[key], or default when absent or null.", 2, 3,
              shape="lookup"),
    "join": _b(_join, "join(xs[, separator])", "Items rendered as text and joined (default \", \").", 1, 2),
    "str": _b(_str, "str(x)", "x rendered as in messages (2.0 is \"2\", null is \"null\").", 1, 1),
    "lower": _b(_string_fn(str.lower), "lower(s)", "Lower case.", 1, 1),
    "upper": _b(_string_fn(str.upper), "upper(s)", "Upper case.", 1, 1),
    "startsWith": _b(_string_fn(str.startswith), "startsWith(s, prefix)", "True when s starts with prefix.",
                     2, 2),
    "endsWith": _b(_string_fn(str.endswith), "endsWith(s, suffix)", "True when s ends with suffix.", 2, 2),
    "split": _b(_string_fn(str.split), "split(s, separator)", "The parts of s.", 2, 2),
    "matches": _b(_matches, "matches(s, regex)", "True when the regular expression matches part of s.", 2, 2),
    "abs": _b(_abs, "abs(n)", "Absolute value.", 1, 1),
    "date": _b(_plain(dates.to_date), "date(x)", "The UTC calendar date (YYYY-MM-DD) of a date or "
               "timestamp.", 1, 1),
    "instant": _b(_plain(dates.to_instant), "instant(x)", "A timestamp normalised to UTC, comparable and "
                  "sortable; a bare date means 00:00:00Z.", 1, 1),
    "addDays": _b(_plain(dates.add_days), "addDays(d, n)", "The date n days after d (n may be negative).",
                  2, 2),
    "endOfMonth": _b(_plain(dates.end_of_month), "endOfMonth(x)", "Last day of the month of a period "
                     "(YYYY-MM), date or timestamp.", 1, 1),
    "month": _b(_plain(dates.month_of), "month(d)", "The period (YYYY-MM) of a date or timestamp.", 1, 1),
    "daysBetween": _b(_plain(dates.days_between), "daysBetween(a, b)", "Days from a to b (negative when b "
                      "is earlier).", 2, 2),
}  # fmt: skip

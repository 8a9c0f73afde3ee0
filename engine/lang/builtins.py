"""Built-in functions of the policy language. Generic: none knows any snapshot field.

Each takes the evaluation environment first; lambda arguments arrive as `Lam`.
Everything about a function (its arity, which arguments are lambdas, its result
type and its one-line documentation) is in its `Builtin` record in BUILTINS; the
reference in docs/policy-language.md is generated from them (lang/reference.py).

Functions that walk or build collections spend the document's evaluation budget
(lang/budget.py) in proportion to the items they touch, and check the size of what
they build; each checks its arguments' types, so that a wrong call is a located
error, never a Python exception.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from functools import lru_cache
from itertools import compress
from typing import Any, NamedTuple

from wxcc_policy.errors import EvalError
from wxcc_policy.lang import dates
from wxcc_policy.lang.budget import NO_BUDGET, budget_of
from wxcc_policy.lang.names import BUDGET_KEY
from wxcc_policy.lang.values import a_type, brief, hashable, render, sort_key

Env = dict[str, Any]
_UNSET = object()


class Lam:
    """A compiled `x -> expr`, called with the caller's environment."""

    __slots__ = ("body", "field", "params")

    def __init__(self, params: tuple[str, ...], body: Callable[[Env], Any], field: str | None = None) -> None:
        self.params = params
        self.body = body
        self.field = field  # set when the body is just `param.field`

    def results(self, env: Env, items: Sequence[Any]) -> list[Any]:
        """The body's value for each item, the item bound to the (single) parameter."""
        env.get(BUDGET_KEY, NO_BUDGET).spend(len(items))  # budget_of(env), inlined: this runs per lambda use
        if self.field is not None:
            field = self.field
            try:
                return [x.get(field) for x in items]
            except AttributeError:  # some item is not an object
                return [x.get(self.field) if x.__class__ is dict else None for x in items]
        name, body = self.params[0], self.body
        saved = env.get(name, _UNSET)
        out = [body(env) for env[name] in items]  # each item bound to the parameter in turn
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
        return _sorted(value, fn)
    raise EvalError(f"{fn}() needs a list, got {a_type(value)}: {brief(value)}")


def _sorted(values: Iterable[Any], fn: str) -> list[Any]:
    try:
        return sorted(values, key=sort_key)
    except TypeError:
        raise EvalError(f"{fn}(): the values must be all numbers or all strings") from None


def _number(value: Any, fn: str, what: str = "a number") -> Any:
    if value is not None and (not isinstance(value, (int, float)) or isinstance(value, bool)):
        raise EvalError(f"{fn}() needs {what}, got {a_type(value)}: {brief(value)}")
    return value


def _whole(value: Any, fn: str) -> int | None:
    if value is not None and (not isinstance(value, int) or isinstance(value, bool)):
        raise EvalError(f"{fn}() needs a whole number, got {a_type(value)}: {brief(value)}")
    return value


def _text(value: Any, fn: str, what: str) -> str:
    if not isinstance(value, str):
        raise EvalError(f"{fn}() needs a string as {what}, got {a_type(value)}: {brief(value)}")
    return value


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
    return list(compress(items, pred.results(env, items)))  # the items whose result is truthy


def _map(env: Env, xs: Any, fn: Lam) -> list[Any]:
    return fn.results(env, _items(xs, "map"))


def _flat_map(env: Env, xs: Any, fn: Lam) -> list[Any]:
    parts = [_items(ys, "flatMap") for ys in fn.results(env, _items(xs, "flatMap"))]
    budget_of(env).collection(sum(map(len, parts)))
    return [y for ys in parts for y in ys]


def _any(env: Env, xs: Any, pred: Lam) -> bool:
    return any(pred.results(env, _items(xs, "any")))


def _all(env: Env, xs: Any, pred: Lam) -> bool:
    return all(pred.results(env, _items(xs, "all")))


def _sort(env: Env, xs: Any, key: Lam | None = None) -> list[Any]:
    items = _items(xs, "sort")
    budget_of(env).spend(len(items))
    keys = key.results(env, items) if key else list(items)
    try:
        order = sorted(range(len(items)), key=lambda i: sort_key(keys[i]))
    except TypeError:
        raise EvalError("sort() keys must be all numbers or all strings") from None
    return [items[i] for i in order]


def _extreme(env: Env, args: tuple[Any, ...], fn: str, pick: Callable[..., Any]) -> Any:
    try:
        if len(args) == 2 and isinstance(args[1], Lam):
            items = _items(args[0], fn)
            keys = args[1].results(env, items)
            pairs = [(sort_key(k), i) for i, k in enumerate(keys) if k is not None]
            return items[pick(pairs)[1]] if pairs else None
        values = [v for v in (_items(args[0], fn) if len(args) == 1 else args) if v is not None]
        budget_of(env).spend(len(values))
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
    budget_of(env).spend(len(values))
    total: Any = 0
    for v in values:
        cls = v.__class__
        if cls is not int and cls is not float:  # numbers pass without a call
            if v is None:
                continue
            _number(v, "sum", "numbers")
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
        try:  # composite keys of scalars ([a, b]): tuples without a call per key
            flat = [tuple(k) if k.__class__ is list else k for k in keys]
            distinct = set(flat)
            keys = flat
        except TypeError:  # nested lists, or an object (hashable() says which)
            keys = [hashable(k) for k in keys]
            distinct = set(keys)
    return items, keys, distinct


def _distinct(env: Env, xs: Any, fn: Lam | None = None) -> list[Any]:
    items = _items(xs, "distinct")
    budget_of(env).spend(len(items))
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
        if type(v) is not int:  # plain integers pass without a call (0 or 0 is 0 anyway)
            v = _number(v, "sumBy", "numbers to add") or 0
        out[k] = out.get(k, 0) + v
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
    items = _items(xs, "slice")
    part = list(items[_whole(start, "slice") : _whole(end, "slice")])
    budget_of(env).spend(len(part))
    return part


def _set(env: Env, xs: Any) -> frozenset[Any]:
    items = _items(xs, "set")
    budget_of(env).spend(len(items))
    return frozenset(hashable(x) for x in items)


def _concat(env: Env, *lists: Any) -> list[Any]:
    parts = [_items(xs, "concat") for xs in lists]
    budget_of(env).collection(sum(map(len, parts)))
    return [x for xs in parts for x in xs]


def _mapping(value: Any, fn: str) -> dict[Any, Any]:
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise EvalError(f"{fn}() needs an object, got {a_type(value)}: {brief(value)}")
    return value


def _keys(env: Env, m: Any) -> list[Any]:
    mapping = _mapping(m, "keys")
    budget_of(env).spend(len(mapping))
    return list(mapping)


def _values(env: Env, m: Any) -> list[Any]:
    mapping = _mapping(m, "values")
    budget_of(env).spend(len(mapping))
    return list(mapping.values())


def _get(env: Env, m: Any, key: Any, default: Any = None) -> Any:
    value = _mapping(m, "get").get(hashable(key))
    return default if value is None else value


def _join(env: Env, xs: Any, sep: Any = ", ") -> str:
    items = _items(xs, "join")
    budget = budget_of(env)
    budget.spend(len(items))
    text = render(sep).join(render(x) for x in items)
    budget.text(len(text))
    return text


def _str(env: Env, x: Any) -> str:
    text = render(x)
    budget_of(env).text(len(text))
    return text


def _string_fn(fn: Callable[..., Any], name: str, what: str = "") -> Callable[..., Any]:
    def apply(env: Env, s: Any, *rest: Any) -> Any:
        for value in rest:
            _text(value, name, what)
        return None if s is None else fn(render(s), *rest)

    return apply


def _split(env: Env, s: Any, sep: Any, limit: Any = None) -> list[str] | None:
    _separator(sep)
    most = _whole(limit, "split")
    if s is None:
        return None
    if most == 0:
        return []
    parts = render(s).split(sep, -1 if most is None or most < 0 else most - 1)
    budget_of(env).spend(len(parts))
    return parts


def _replace(env: Env, s: Any, old: Any, new: Any, limit: Any = None) -> str | None:
    """The size of the result is checked before it is built: a replacement can multiply it."""
    old, new, most = _text(old, "replace", "old text"), _text(new, "replace", "new text"), _whole(limit, "replace")
    if s is None:
        return None
    text = render(s)
    found = text.count(old) if old else len(text) + 1
    times = found if most is None or most < 0 else min(found, most)
    budget_of(env).text(len(text) + times * (len(new) - len(old)))
    return text.replace(old, new, times)


def _position(value: Any, fn: str, text: str) -> int:
    """A character position in `text` (0 to its length), else a located error."""
    at = _whole(value, fn)
    if at is None or not 0 <= at <= len(text):
        raise EvalError(f"{fn}(): position {brief(value)} is outside a string of {len(text)} characters")
    return at


def _index_of(env: Env, s: Any, part: Any, start: Any = None) -> int | None:
    _text(part, "indexOf", "text to find")
    if s is None:
        return None
    text = render(s)
    return text.find(part, 0 if start is None else _position(start, "indexOf", text))


def _last_index_of(env: Env, s: Any, part: Any, start: Any = None) -> int | None:
    _text(part, "lastIndexOf", "text to find")
    if s is None:
        return None
    text = render(s)
    end = len(text) if start is None else _position(start, "lastIndexOf", text) + len(part)
    return text.rfind(part, 0, end)


def _substring(env: Env, s: Any, start: Any, end: Any = None) -> str | None:
    if s is None:
        return None
    text = render(s)
    first = _position(start, "substring", text)
    last = len(text) if end is None else _position(end, "substring", text)
    if last < first:
        raise EvalError(f"substring(): end {last} is before start {first}")
    return text[first:last]


def _char_at(env: Env, s: Any, at: Any) -> str | None:
    if s is None:
        return None
    text = render(s)
    i = _position(at, "charAt", text)
    return text[i : i + 1]


def _size(env: Env, x: Any) -> int:
    if x is None:
        return 0
    if isinstance(x, (str, list, tuple, set, frozenset, dict)):
        return len(x)
    raise EvalError(f"size() needs a string, a list or an object, got {a_type(x)}: {brief(x)}")


def _separator(sep: Any) -> None:
    if _text(sep, "split", "separator") == "":
        raise EvalError("split() needs a non-empty separator")


@lru_cache(maxsize=256)
def _regex(pattern: str) -> Any:
    """User patterns run on RE2: linear time, so no pattern can backtrack for ever
    (`(a+)+$`). RE2 has no backreferences or lookaround; such patterns are refused."""
    import re2  # only policies that match text pay for the import

    options = re2.Options()
    options.log_errors = False  # the error is reported once, as a located one-line message
    try:
        return re2.compile(pattern, options)
    except re2.error as exc:
        reason = exc.args[0].decode(errors="replace") if exc.args and isinstance(exc.args[0], bytes) else str(exc)
        raise EvalError(f"invalid regular expression {brief(pattern)}: {reason}") from None


def _pattern(pattern: Any) -> None:
    _regex(_text(pattern, "matches", "pattern"))


def _matches(env: Env, s: Any, pattern: Any) -> bool:
    return s is not None and _regex(_text(pattern, "matches", "pattern")).search(render(s)) is not None


def _abs(env: Env, x: Any) -> Any:
    return None if x is None else abs(_number(x, "abs"))


def _date_fn(fn: Callable[..., Any]) -> Callable[..., Any]:
    def apply(env: Env, *args: Any) -> Any:
        return fn(*args)

    return apply


class Builtin(NamedTuple):
    """One built-in function: everything the compiler, the docs and the checks know of it."""

    impl: Callable[..., Any]
    signature: str  # as the reference shows it
    doc: str  # one line for the reference
    min_args: int
    max_args: int
    lambda_at: tuple[int, ...] = ()  # positions that must be lambdas (when given)
    optional_lambda_at: tuple[int, ...] = ()  # positions that may be lambdas
    shape: str | None = None  # how the compiler infers the result's shape
    returns: str = "any"  # the result's type, for the reference and load-time checks
    category: str = "Collections"  # the reference's section
    literal_check: tuple[tuple[int, Callable[[Any], Any]], ...] = ()  # (position, check) run at load time on literals


def _b(impl: Callable[..., Any], sig: str, doc: str, lo: int, hi: int, returns: str, **kw: Any) -> Builtin:
    return Builtin(impl, sig, doc, lo, hi, returns=returns, **kw)


_LOOKUP, _TEXT, _NUMBERS, _DATES = "Grouping and lookup", "Text", "Numbers", "Dates"
CATEGORIES = ("Collections", _LOOKUP, _TEXT, _NUMBERS, _DATES)  # the reference's sections, in order

BUILTINS: dict[str, Builtin] = {
    "count": _b(_count, "count(xs[, x -> cond])", "Number of items (that satisfy cond).", 1, 2, "number",
                lambda_at=(1,)),
    "first": _b(_first, "first(xs)", "First item, or null.", 1, 1, "any", shape="item"),
    "last": _b(_last, "last(xs)", "Last item, or null.", 1, 1, "any", shape="item"),
    "filter": _b(_filter, "filter(xs, x -> cond)", "Items that satisfy cond, in order.", 2, 2, "list",
                 lambda_at=(1,), shape="list"),
    "map": _b(_map, "map(xs, x -> value)", "The value for each item.", 2, 2, "list", lambda_at=(1,),
              shape="mapped"),
    "flatMap": _b(_flat_map, "flatMap(xs, x -> list)", "The lists for each item, concatenated.", 2, 2, "list",
                  lambda_at=(1,), shape="flat"),
    "any": _b(_any, "any(xs, x -> cond)", "True when some item satisfies cond.", 2, 2, "boolean",
              lambda_at=(1,)),
    "all": _b(_all, "all(xs, x -> cond)", "True when every item satisfies cond (and for no items).", 2, 2,
              "boolean", lambda_at=(1,)),
    "sort": _b(_sort, "sort(xs[, x -> key])", "Stable ascending sort; a list key sorts by each part in turn, "
               "null first. Stability is what breaks ties \"oldest first\": sort an already ordered list.", 1, 2,
               "list", lambda_at=(1,), shape="list"),
    "min": _b(_min, "min(xs[, x -> key]) | min(a, b, ...)", "Smallest value, or the item with the smallest "
              "key (the first on ties); nulls are ignored.", 1, 99, "any", optional_lambda_at=(1,),
              shape="minmax"),
    "max": _b(_max, "max(xs[, x -> key]) | max(a, b, ...)", "Largest value, or the item with the largest key "
              "(the first on ties); nulls are ignored.", 1, 99, "any", optional_lambda_at=(1,), shape="minmax"),
    "sum": _b(_sum, "sum(xs[, x -> number])", "Sum of the numbers (nulls count as 0).", 1, 2, "number",
              lambda_at=(1,), category=_NUMBERS),
    "distinct": _b(_distinct, "distinct(xs[, x -> key])", "First item of each distinct key, in order.", 1, 2,
                   "list", lambda_at=(1,), shape="list"),
    "slice": _b(_slice, "slice(xs, start[, end])", "Items from index start up to (not including) end; "
                "negative indexes count from the end.", 2, 3, "list", shape="list"),
    "concat": _b(_concat, "concat(xs, ys, ...)", "The lists one after the other.", 1, 99, "list", shape="list"),
    "set": _b(_set, "set(xs)", "A set, for fast `in` tests.", 1, 1, "set", category=_LOOKUP),
    "groupBy": _b(_group_by, "groupBy(xs, x -> key)", "Groups `{key, items}` in order of first appearance; "
                  "a list key groups by several values (`x -> [x.year, x.kind]`).", 2, 2,
                  "list of {key, items}", lambda_at=(1,), shape="groups", category=_LOOKUP),
    "index": _b(_index, "index(xs, x -> key)", "Object from key to the first item with that key: a lookup "
                "table built once.", 2, 2, "object", lambda_at=(1,), shape="index", category=_LOOKUP),
    "sumBy": _b(_sum_by, "sumBy(xs, x -> key, x -> number)", "Object from key to the sum of its numbers.",
                3, 3, "object", lambda_at=(1, 2), category=_LOOKUP),
    "countBy": _b(_count_by, "countBy(xs, x -> key)", "Object from key to its number of items.", 2, 2,
                  "object", lambda_at=(1,), category=_LOOKUP),
    "duplicates": _b(_duplicates, "duplicates(xs, x -> key)", "For each item whose key an earlier item "
                     "already had: `{item, key, occurrence, first}` (occurrence 2, 3, ...).", 2, 2,
                     "list of {item, key, occurrence, first}", lambda_at=(1,), shape="duplicates",
                     category=_LOOKUP),
    "keys": _b(_keys, "keys(obj)", "An object's keys, in order.", 1, 1, "list", category=_LOOKUP),
    "values": _b(_values, "values(obj)", "An object's values, in order.", 1, 1, "list", shape="values",
                 category=_LOOKUP),
    "get": _b(_get, "get(obj, key[, default])", "obj[key], or default when absent or null.", 2, 3, "any",
              shape="lookup", category=_LOOKUP),
    "join": _b(_join, "join(xs[, separator])", "Items rendered as text and joined (default \", \").", 1, 2,
               "string", category=_TEXT),
    "str": _b(_str, "str(x)", "x rendered as in messages (2.0 is \"2\", null is \"null\").", 1, 1, "string",
              category=_TEXT),
    "lower": _b(_string_fn(str.lower, "lower"), "lower(s)", "Lower case.", 1, 1, "string", category=_TEXT),
    "upper": _b(_string_fn(str.upper, "upper"), "upper(s)", "Upper case.", 1, 1, "string", category=_TEXT),
    "startsWith": _b(_string_fn(str.startswith, "startsWith", "prefix"), "startsWith(s, prefix)",
                     "True when s starts with prefix.", 2, 2, "boolean", category=_TEXT),
    "endsWith": _b(_string_fn(str.endswith, "endsWith", "suffix"), "endsWith(s, suffix)",
                   "True when s ends with suffix.", 2, 2, "boolean", category=_TEXT),
    "split": _b(_split, "split(s, separator[, n])", "The parts of s between occurrences of a non-empty separator; "
                "with n, at most n parts (the last holds the rest; 0: none, negative: all).", 2, 3, "list",
                category=_TEXT, literal_check=((1, _separator),)),
    "trim": _b(_string_fn(str.strip, "trim"), "trim(s)", "s without leading and trailing white space (Unicode): "
               "`map(split(label, ','), p -> trim(p))`.", 1, 1, "string", category=_TEXT),
    "replace": _b(_replace, "replace(s, old, new[, n])", "s with each occurrence of old replaced by new (with "
                  "n, the first n; negative: all).", 3, 4, "string", category=_TEXT),
    "indexOf": _b(_index_of, "indexOf(s, text[, start])", "Position (from 0, in characters) of the first "
                  "occurrence of text in s, searching from start; -1 when absent.", 2, 3, "number",
                  category=_TEXT),
    "lastIndexOf": _b(_last_index_of, "lastIndexOf(s, text[, start])", "Position of the last occurrence of text "
                      "in s that begins at or before start; -1 when absent.", 2, 3, "number", category=_TEXT),
    "substring": _b(_substring, "substring(s, start[, end])", "The characters of s from position start up to "
                    "(not including) end; a position outside 0..size(s), or end before start, is an error.", 2, 3,
                    "string", category=_TEXT),
    "charAt": _b(_char_at, "charAt(s, i)", "The character at position i ('' at i = size(s)).", 2, 2, "string",
                 category=_TEXT),
    "size": _b(_size, "size(x)", "Characters of a string, items of a list or set, or keys of an object (null: 0).",
               1, 1, "number", category=_TEXT),
    "matches": _b(_matches, "matches(s, regex)", "True when the regular expression (RE2 syntax: no "
                  "backreferences or lookaround) matches part of s.", 2, 2, "boolean", category=_TEXT,
                  literal_check=((1, _pattern),)),
    "abs": _b(_abs, "abs(n)", "Absolute value.", 1, 1, "number", category=_NUMBERS),
    "date": _b(_date_fn(dates.to_date), "date(x)", "The UTC calendar date (YYYY-MM-DD) of a date or "
               "timestamp.", 1, 1, "date", category=_DATES),
    "instant": _b(_date_fn(dates.to_instant), "instant(x)", "A timestamp normalised to UTC, comparable and "
                  "sortable; a bare date means 00:00:00Z.", 1, 1, "string", category=_DATES),
    "addDays": _b(_date_fn(dates.add_days), "addDays(d, n)", "The date n days after d (n may be negative).",
                  2, 2, "date", category=_DATES),
    "endOfMonth": _b(_date_fn(dates.end_of_month), "endOfMonth(x)", "Last day of the month of a period "
                     "(YYYY-MM), date or timestamp.", 1, 1, "date", category=_DATES),
    "month": _b(_date_fn(dates.month_of), "month(d)", "The period (YYYY-MM) of a date or timestamp.", 1, 1,
                "string", category=_DATES),
    "daysBetween": _b(_date_fn(dates.days_between), "daysBetween(a, b)", "Days from a to b (negative when b "
                      "is earlier).", 2, 2, "number", category=_DATES),
}  # fmt: skip

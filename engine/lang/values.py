"""Runtime value helpers shared by the compiler and the built-in functions."""

from __future__ import annotations

import json
from itertools import islice
from typing import Any

from wxcc_policy.errors import EvalError

__all__ = ["EvalError", "a_type", "brief", "contains", "hashable", "render", "sort_key", "type_name"]

BRIEF_LENGTH = 60  # how much of a value an error message shows


def hashable(value: Any) -> Any:
    """Lists become tuples so that composite keys can index maps and sets; an object
    cannot be a key (its fields can)."""
    if isinstance(value, list):
        return tuple(hashable(v) for v in value)
    if isinstance(value, dict):
        raise EvalError(f"an object cannot be a key or a set member (use one of its fields): {brief(value)}")
    return value


def type_name(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, (int, float)):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, (list, tuple)):
        return "list"
    if isinstance(value, (set, frozenset)):
        return "set"
    return "object"


def a_type(value: Any) -> str:
    """The value's type with its article: "a string", "an object", and "null" alone."""
    name = type_name(value)
    if name == "null":
        return name
    return f"an {name}" if name == "object" else f"a {name}"


def render(value: Any) -> str:
    """How a value appears in a message template."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, (list, tuple)):
        return ", ".join(render(v) for v in value)
    if isinstance(value, (set, frozenset)):
        return ", ".join(sorted(render(v) for v in value))
    if isinstance(value, dict):
        return json.dumps(_jsonable(value), sort_keys=True, separators=(", ", ": "), default=str)
    return str(value)


def _jsonable(value: Any) -> Any:
    """Composite keys (tuples, from list keys) become their rendering: JSON keys are text."""
    if isinstance(value, dict):
        return {k if isinstance(k, str) else render(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_jsonable(v) for v in value]
    if isinstance(value, (set, frozenset)):
        return sorted((_jsonable(v) for v in value), key=render)
    return value


def brief(value: Any, limit: int = BRIEF_LENGTH) -> str:
    """A value for an error message: quoted when text, cut to about `limit` characters,
    with the number of items of a cut collection. Never the whole of a large value."""
    if isinstance(value, str):
        text = repr(value[: limit + 1])
        return text if len(value) <= limit else f"{text[: limit + 1]}…' ({len(value):,} characters)"
    if isinstance(value, dict):
        shown = [f"{render(k)[:20]}: {brief(v, 20)}" for k, v in islice(value.items(), 4)]
        return _cut("{", shown, len(value), "}", limit)
    if isinstance(value, (list, tuple, set, frozenset)):
        members = sorted(value, key=render) if isinstance(value, (set, frozenset)) else value
        return _cut("[", [brief(v, 20) for v in islice(members, 4)], len(value), "]", limit)
    text = render(value)
    return text if len(text) <= limit else f"{text[:limit]}… ({len(text):,} characters)"


def _cut(opening: str, shown: list[str], size: int, closing: str, limit: int) -> str:
    more = f", … ({size:,} items)" if size > len(shown) else ""
    return f"{opening}{', '.join(shown)}{more}{closing}"[: limit * 2]


def sort_key(value: Any) -> Any:
    """Total order for sort keys: null first, lists element-wise."""
    if value is None:
        return (0, 0)
    if isinstance(value, (list, tuple)):
        return (1, tuple(sort_key(v) for v in value))
    return (1, value)


def contains(collection: Any, item: Any) -> bool:
    if collection is None:
        return False
    if isinstance(collection, (dict, set, frozenset)):
        return hashable(item) in collection
    if isinstance(collection, str):
        return isinstance(item, str) and item in collection
    if isinstance(collection, (list, tuple)):
        return item in collection
    raise EvalError(f"'in' needs a list, set, object or string on its right, not {a_type(collection)}")

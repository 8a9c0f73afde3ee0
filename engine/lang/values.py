"""Runtime value helpers shared by the compiler and the built-in functions."""

from __future__ import annotations

import json
from typing import Any


class EvalError(Exception):
    """A policy expression failed while evaluating (a type mismatch, a bad date...)."""


def hashable(value: Any) -> Any:
    """Lists become tuples so that composite keys can index maps and sets."""
    if isinstance(value, list):
        return tuple(hashable(v) for v in value)
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
        return json.dumps(value, sort_keys=True, separators=(", ", ": "), default=str)
    return str(value)


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
    raise EvalError(f"'in' needs a list, set, object or string on its right, not a {type_name(collection)}")

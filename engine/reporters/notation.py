"""Values written in the policy language's own notation, for people (`explain`).

`'text'`, `27`, `true`, `null`, `[1, 2]`, `{id: 'x-1', tags: ['a']}`, and a set as
`set(['a', 'b'])`. A map keyed by a composite key shows the key as a list:
`{['2026-10', 'k']: 27}`. Large values are shortened, never silently: a cut
list, object or string ends with `… (N)`, N being its full size. An object with an `id`
(an element of the snapshot, usually) shows the id first, and inside another value only
the id.
"""

from __future__ import annotations

import re
from itertools import islice
from typing import Any

_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*\Z")
_ESCAPES = {"\\": "\\\\", "'": "\\'", "\n": "\\n", "\t": "\\t", "\r": "\\r"}

# How much of a value is shown at each depth: (list items, object entries, string characters).
_BUDGETS = ((8, 6, 120), (4, 3, 40), (2, 1, 20))
ELEMENT_FIELDS = 16  # an object with an id, shown on its own (a binding, a result): the fields a condition reads


def notation(value: Any, depth: int = 0) -> str:
    lists, entries, chars = _BUDGETS[min(depth, len(_BUDGETS) - 1)]
    if value is None:
        return "null"
    if value is True or value is False:
        return "true" if value else "false"
    if isinstance(value, str):
        return _string(value, chars)
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, (int, float)):
        return repr(value)
    if isinstance(value, dict):
        return _object(value, depth, entries)
    if isinstance(value, (list, tuple)):
        return _sequence("[", value, len(value), "]", depth, lists)
    if isinstance(value, (set, frozenset)):
        ordered = sorted(value, key=lambda v: (v.__class__.__name__, notation(v, 2)))
        return _sequence("set([", ordered, len(value), "])", depth, lists)
    return _string(str(value), chars)


def _string(text: str, limit: int) -> str:
    shown = "".join(_ESCAPES.get(c, c if c.isprintable() else f"\\u{ord(c):04x}") for c in text[:limit])
    return f"'{shown}'" if len(text) <= limit else f"'{shown}…' ({len(text):,} characters)"


def _key(key: Any) -> str:
    if isinstance(key, str):
        return key if _NAME.match(key) and key not in ("true", "false", "null") else _string(key, 60)
    return notation(list(key) if isinstance(key, tuple) else key, 2)


def _object(value: dict[Any, Any], depth: int, budget: int) -> str:
    items = list(value.items())
    if "id" in value:  # a document element is known by its id; inside another value, by its id alone
        items = [("id", value["id"]), *(kv for kv in items if kv[0] != "id")]
        budget = ELEMENT_FIELDS if depth == 0 else 1
    shown = [f"{_key(k)}: {notation(v, depth + 1)}" for k, v in islice(items, budget)]
    return _cut("{", shown, len(value), "}")


def _sequence(opening: str, values: Any, size: int, closing: str, depth: int, budget: int) -> str:
    shown = [notation(v, depth + 1) for v in islice(values, budget)]
    return _cut(opening, shown, size, closing)


def _cut(opening: str, shown: list[str], size: int, closing: str) -> str:
    if size > len(shown):
        shown = [*shown, f"… ({size:,})"]
    return opening + ", ".join(shown) + closing

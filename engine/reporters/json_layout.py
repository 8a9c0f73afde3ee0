"""JSON with one record per line: pretty at the top, each list item (a result, a rule, an
issue) on a line of its own.

`json.dumps(indent=2)` runs the pure-Python encoder (the C one serves only `indent=None`):
on a report of 1,000 findings it cost more than the rest of the rendering. Items on one line
are written by the C encoder, and a changed finding is still a one-line diff.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from typing import Any


class Streamed:
    """A list whose items are made one at a time as the document is written (read once)."""

    def __init__(self, items: Iterable[Any]) -> None:
        self.items = items


def dumps(value: Any, inline_from: int) -> str:
    """`value` as JSON; the items of lists at depth `inline_from` or deeper on one line each."""
    return "".join(pieces(value, inline_from))


def pieces(value: Any, inline_from: int, depth: int = 0) -> Iterator[str]:
    """dumps() in pieces: a report with a Streamed list is never held whole."""
    if isinstance(value, Streamed):
        yield from _list_pieces(value.items, inline_from, depth)
    elif not isinstance(value, (dict, list)) or not value:
        yield json.dumps(value, ensure_ascii=False)
    elif isinstance(value, dict):
        pad = "  " * (depth + 1)
        separator = "{\n"
        for k, v in value.items():
            yield f"{separator}{pad}{json.dumps(k, ensure_ascii=False)}: "
            separator = ",\n"
            yield from pieces(v, inline_from, depth + 1)
        yield "\n" + "  " * depth + "}"
    else:
        yield from _list_pieces(value, inline_from, depth)


def _list_pieces(items: Iterable[Any], inline_from: int, depth: int) -> Iterator[str]:
    pad = "  " * (depth + 1)
    separator = "[\n"
    for v in items:
        yield separator + pad
        separator = ",\n"
        if depth >= inline_from:
            yield json.dumps(v, ensure_ascii=False)
        else:
            yield from pieces(v, inline_from, depth + 1)
    yield "[]" if separator == "[\n" else "\n" + "  " * depth + "]"


def indented(value: Any, depth: int = 0) -> str:
    """`json.dumps(value, indent=2, ensure_ascii=False)`, byte for byte, as it reads `depth`
    levels deep in a larger document. Written here because the standard library's indenting
    encoder is pure Python, slower, and builds a reference cycle per call: with collection
    paused during a run (commands/check.py), a report over thousands of files leaked one per
    file."""
    if isinstance(value, dict):
        if not value:
            return "{}"
        pad = "\n" + "  " * (depth + 1)
        members = [f"{_key(k)}: {indented(v, depth + 1)}" for k, v in value.items()]
        return "{" + pad + ("," + pad).join(members) + "\n" + "  " * depth + "}"
    if isinstance(value, (list, tuple)):
        if not value:
            return "[]"
        pad = "\n" + "  " * (depth + 1)
        return "[" + pad + ("," + pad).join([indented(v, depth + 1) for v in value]) + "\n" + "  " * depth + "]"
    if isinstance(value, str):
        return _string(value)
    return json.dumps(value, ensure_ascii=False)


_string = json.encoder.encode_basestring  # the C one, as json.dumps(ensure_ascii=False) uses


def _key(key: Any) -> str:
    """An object key as json.dumps writes it: strings as they are; true, false, null and
    numbers as their JSON text, quoted; anything else is refused as json.dumps refuses it."""
    if isinstance(key, str):
        return _string(key)
    if key is True or key is False or key is None:
        return _string(json.dumps(key))
    if isinstance(key, (int, float)):
        return _string(json.dumps(key))
    raise TypeError(f"keys must be str, int, float, bool or None, not {key.__class__.__name__}")


def streamed(document: dict[str, Any], key: str, items: Iterable[Any]) -> Iterator[str]:
    """`json.dumps(document, indent=2, ensure_ascii=False) + "\\n"`, byte for byte, in pieces:
    the list at `key` is `items`, written one item at a time, so a report over thousands of
    files is never held whole (memory stays flat in the number of files)."""
    yield from indented_pieces({**document, key: Streamed(items)})
    yield "\n"


def indented_pieces(value: Any, depth: int = 0) -> Iterator[str]:
    """indented() in pieces: objects member by member, Streamed lists item by item."""
    if isinstance(value, Streamed):
        pad = "  " * (depth + 1)
        separator = "[\n"
        for item in value.items:
            yield separator + pad + indented(item, depth + 1)
            separator = ",\n"
        yield "[]" if separator == "[\n" else "\n" + "  " * depth + "]"
    elif isinstance(value, dict) and value:
        pad = "  " * (depth + 1)
        separator = "{\n"
        for name, member in value.items():
            yield f"{separator}{pad}{_key(name)}: "
            separator = ",\n"
            yield from indented_pieces(member, depth + 1)
        yield "\n" + "  " * depth + "}"
    else:
        yield indented(value, depth)

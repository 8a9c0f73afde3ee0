"""Strict JSON reading with positions found on demand.

`json` (C) parses the whole document; positions are not tracked while
parsing, since most documents yield no finding. When a position is needed,
the containers on the pointer's path are indexed once, skipping child values
with the C scanner, so locating any number of pointers costs at most about one
extra parse.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator
from json.decoder import scanstring  # type: ignore[attr-defined]
from typing import Any

from wxcc_policy.errors import InputError

_WS = re.compile(r"[ \t\n\r]*")
_Scan = Callable[[str, int], tuple[Any, int]]


class DuplicateKey(Exception):
    pass


class NonFiniteNumber(Exception):
    pass


def _reject_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    obj = dict(pairs)
    if len(obj) != len(pairs):
        raise DuplicateKey
    return obj


def _reject_constant(name: str) -> float:
    raise NonFiniteNumber(name)


_STRICT = json.JSONDecoder(object_pairs_hook=_reject_duplicates, parse_constant=_reject_constant)
_LENIENT_SCAN: _Scan = json.JSONDecoder().scan_once  # type: ignore[attr-defined]
_STRICT_SCAN: _Scan = _STRICT.scan_once  # type: ignore[attr-defined]


def parse_json(text: str) -> Any:
    """Parse strictly: no duplicate keys, no NaN/Infinity. Raises InputError with an offset."""
    try:
        return _STRICT.decode(text)
    except json.JSONDecodeError as exc:
        raise InputError(f"invalid JSON: {exc.msg}", exc.pos) from None
    except DuplicateKey:
        raise _locate_fault(text, "duplicate key") from None
    except NonFiniteNumber as exc:
        raise _locate_fault(text, f"{exc.args[0]} is not a valid JSON number") from None
    except RecursionError:
        raise InputError("invalid JSON: nesting is too deep", 0) from None


def _locate_fault(text: str, message: str) -> InputError:
    """Descend into the innermost container whose strict parse fails; name its culprit."""
    start = _skip_ws(text, 0)
    while True:
        seen: set[str | int] = set()
        for key, key_pos, value_pos in _children(text, start):
            if key in seen:
                return InputError(f"invalid JSON: {message} {json.dumps(key)}", key_pos)
            seen.add(key)
            try:
                _STRICT_SCAN(text, value_pos)
            except (DuplicateKey, NonFiniteNumber):
                if text[value_pos] in "[{":
                    start = value_pos
                    break
                return InputError(f"invalid JSON: {message}", value_pos)
        else:
            return InputError(f"invalid JSON: {message}", start)


def _skip_ws(text: str, pos: int) -> int:
    return _WS.match(text, pos).end()  # type: ignore[union-attr]


def _children(text: str, start: int) -> Iterator[tuple[str | int, int, int]]:
    """Yield (key or index, key position, value position) of the container at `start`."""
    is_object = text[start] == "{"
    close = "}" if is_object else "]"
    pos = _skip_ws(text, start + 1)
    index = 0
    while text[pos] != close:
        key: str | int = index
        key_pos = pos
        if is_object:
            key, pos = scanstring(text, pos + 1)
            pos = _skip_ws(text, pos)
            pos = _skip_ws(text, pos + 1)  # the colon
        yield key, key_pos, pos
        _, pos = _LENIENT_SCAN(text, pos)
        pos = _skip_ws(text, pos)
        if text[pos] == ",":
            pos = _skip_ws(text, pos + 1)
        index += 1


class JsonLocator:
    """Maps JSON Pointer segments to offsets; each container is indexed at most once."""

    def __init__(self, text: str) -> None:
        self._text = text
        self._index: dict[int, dict[str | int, int]] = {}

    def offset(self, parts: tuple[str, ...]) -> int:
        pos = _skip_ws(self._text, 0)
        for part in parts:
            children = self._children_of(pos)
            if children is None:
                break
            key: str | int = int(part) if self._text[pos] == "[" and part.isdigit() else part
            if key not in children:
                break
            pos = children[key]
        return pos

    def _children_of(self, pos: int) -> dict[str | int, int] | None:
        if self._text[pos] not in "[{":
            return None
        if pos not in self._index:
            found: dict[str | int, int] = {}
            for key, _, value_pos in _children(self._text, pos):
                found.setdefault(key, value_pos)
            self._index[pos] = found
        return self._index[pos]

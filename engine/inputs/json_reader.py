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
from functools import cache
from itertools import islice
from json.decoder import scanstring  # type: ignore[attr-defined]
from typing import Any

from wxcc_policy.errors import InputError

_WS = re.compile(r"[ \t\n\r]*")
_Scan = Callable[[str, int], tuple[Any, int]]


class DuplicateKey(Exception):
    pass


class NonFiniteNumber(Exception):
    pass


def _reject_duplicates(pairs: list[tuple[str, Any]], dict: Any = dict, len: Any = len) -> dict[str, Any]:
    # Called once per object of every document: builtins bound as locals save lookups.
    obj = dict(pairs)
    if len(obj) != len(pairs):
        raise DuplicateKey
    return obj


def _reject_constant(name: str) -> float:
    raise NonFiniteNumber(f"{name} is not a valid JSON number")


def _finite_float(literal: str) -> float:
    # Called for numbers with a fraction or exponent only: integers keep the C fast path.
    value = float(literal)
    if value - value != 0:  # inf: `1e400` is valid JSON, but no number we can compare
        raise NonFiniteNumber(f"{literal[:40]} is too large for a number")
    return value


def _checked_int(literal: str) -> int:
    if len(literal.lstrip("-")) > MAX_INT_DIGITS:
        raise NonFiniteNumber(f"an integer of more than {MAX_INT_DIGITS:,} digits is not supported")
    return int(literal)


def _any_number(literal: str) -> int:
    return 0  # skipping a value: its numbers are not needed


#: Integers may have at most this many decimal digits (Python's own limit for converting them).
MAX_INT_DIGITS = 4300
#: Reported nesting limit (the validator cannot descend much deeper than this; YAML's is the same).
MAX_DEPTH = 200

_STRICT = json.JSONDecoder(object_pairs_hook=_reject_duplicates, parse_constant=_reject_constant, parse_float=_finite_float)
_LENIENT_SCAN: _Scan = json.JSONDecoder().scan_once  # type: ignore[attr-defined]
# For finding a fault only: the strict checks, and a scanner that skips any number.
_FAULT_SCAN: _Scan = json.JSONDecoder(  # type: ignore[attr-defined]
    object_pairs_hook=_reject_duplicates, parse_constant=_reject_constant, parse_float=_finite_float, parse_int=_checked_int
).scan_once
_SKIP_SCAN: _Scan = json.JSONDecoder(parse_int=_any_number, parse_float=_any_number).scan_once  # type: ignore[attr-defined]
_SURROGATE_ESCAPE = re.compile(r"\\u[dD][89a-fA-F][0-9a-fA-F]{2}")


def parse_json(text: str) -> Any:
    """Parse strictly: no duplicate keys, no NaN/Infinity or numbers beyond float range, no
    integer of more than 4,300 digits, no lone surrogate. Raises InputError with an offset."""
    global _parsed_chars
    _parsed_chars += len(text)
    if _parsed_chars >= FAST_PARSE_FROM:
        data = _fast_parse(text)
        if data is not _UNDECIDED:
            return data
    return _strict_parse(text)


#: Characters of JSON read by this process after which the C fast path is used: importing
#: msgspec costs about as much as parsing 4 MB the strict way saves, so a run of one small
#: snapshot (pre-commit's) never imports it, and a large one or a portfolio does at once.
FAST_PARSE_FROM = 4_000_000
_parsed_chars = 0
_UNDECIDED = object()


@cache
def _fast_codec() -> tuple[Callable[[str], Any], Callable[[Any], bytes], type[Exception]]:
    import msgspec  # imported on first use: see FAST_PARSE_FROM

    return msgspec.json.Decoder().decode, msgspec.json.Encoder().encode, msgspec.MsgspecError


def _fast_parse(text: str) -> Any:
    """The document as msgspec's C parser reads it, when that is exactly what the strict
    parser would return; else _UNDECIDED, and the strict parser decides (and words the error).

    msgspec refuses what the strict parser refuses (NaN, numbers beyond float range, integers
    of more than 4,300 digits, lone surrogates, malformed text), and parses floats to the same
    values, but keeps the last of duplicate keys silently. A dropped duplicate takes its key
    separator with it: re-encoded, the document has fewer colons than the text. That count is
    exact when no colon was written as an escape (`\\u003a`), since strings are otherwise
    re-encoded with the same colons, and no number or literal holds one."""
    decode, encode, refused = _fast_codec()
    try:
        data = decode(text)
        if "\\" in text and ("\\u003a" in text or "\\u003A" in text):
            return _UNDECIDED
        if encode(data).count(b":") != text.count(":"):
            return _UNDECIDED  # a duplicate key: the strict parser finds it
    except (refused, RecursionError):
        return _UNDECIDED
    return data


def _strict_parse(text: str) -> Any:
    try:
        data = _STRICT.decode(text)
    except json.JSONDecodeError as exc:
        raise InputError(f"invalid JSON: {exc.msg}", exc.pos) from None
    except DuplicateKey:
        raise _locate_fault(text, "duplicate key") from None
    except NonFiniteNumber as exc:
        raise _locate_fault(text, exc.args[0]) from None
    except RecursionError:
        raise InputError("invalid JSON: nesting is too deep", deep_offset(text, MAX_DEPTH)) from None
    except ValueError:  # int() refused a literal of more than 4,300 digits
        raise _locate_fault(text, f"an integer of more than {MAX_INT_DIGITS:,} digits is not supported") from None
    if "\\ud" in text or "\\uD" in text:  # a substring search first: the regex scan costs more
        lone = lone_surrogate(text)
        if lone is not None:
            raise InputError(f"invalid JSON: {text[lone : lone + 6]} is a lone surrogate, not a character", lone)
    return data


def lone_surrogate(text: str) -> int | None:
    """The offset of the first `\\uD800`-`\\uDFFF` escape that is not half of a pair."""
    low_expected = -1
    for match in _SURROGATE_ESCAPE.finditer(text):
        start = match.start()
        if _escaped(text, start):  # `\\\\ud800` is a backslash, then text
            continue
        if int(match.group()[2:], 16) >= 0xDC00:  # a low half: only right after a high one
            if start != low_expected:
                return start
            continue
        after = _SURROGATE_ESCAPE.match(text, match.end())
        if after is None or int(after.group()[2:], 16) < 0xDC00:
            return start
        low_expected = match.end()
    return None


def _escaped(text: str, pos: int) -> bool:
    """Whether the backslash at `pos` is itself escaped (an odd run of backslashes before it)."""
    run = 0
    while pos - run > 0 and text[pos - run - 1] == "\\":
        run += 1
    return run % 2 == 1


def deep_offset(text: str, limit: int) -> int:
    """Where a JSON text first nests deeper than `limit` (strings skipped), else 0."""
    depth = 0
    for match in re.finditer(r'"(?:[^"\\]|\\.)*"|[\[\]{}]', text):
        token = match.group()
        if token in "[{":
            depth += 1
            if depth > limit:
                return match.start()
        elif token in "]}":
            depth -= 1
    return 0


def _locate_fault(text: str, message: str) -> InputError:
    """Descend into the innermost container whose strict parse fails; name its culprit.
    A document that is a single value (`1e999`) is its own culprit."""
    start = _skip_ws(text, 0)
    try:
        while text[start] in "[{":
            found = _fault_among_children(text, start, message)
            if isinstance(found, InputError):
                return found
            if found is None:
                break
            start = found
    except (StopIteration, IndexError, ValueError):  # a text that ends early: the container is the place
        pass
    return InputError(f"invalid JSON: {message}", start)


def _fault_among_children(text: str, start: int, message: str) -> InputError | int | None:
    """The error at a child of the container at `start`, or the child container to descend
    into, or None when no child fails on its own."""
    seen: set[str | int] = set()
    for key, key_pos, value_pos in _children(text, start):
        if key in seen:
            return InputError(f"invalid JSON: {message} {json.dumps(key)}", key_pos)
        seen.add(key)
        try:
            _FAULT_SCAN(text, value_pos)
        except (DuplicateKey, NonFiniteNumber, ValueError):
            if text[value_pos] in "[{":
                return value_pos
            return InputError(f"invalid JSON: {message}", value_pos)
    return None


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
        try:
            _, pos = _SKIP_SCAN(text, pos)
        except StopIteration:  # the text ends inside this value (a generator must not leak it)
            return
        pos = _skip_ws(text, pos)
        if text[pos] == ",":
            pos = _skip_ws(text, pos + 1)
        index += 1


def _dedented(text: str, bracket: int, indent: str) -> bool:
    """Whether the closing bracket at `bracket` starts its line, indented less than the
    elements: otherwise the line starts found may belong to other arrays (a layout whose
    indentation does not follow the nesting), and the array is scanned instead."""
    window = max(0, bracket - len(indent) - 1)  # a longer line is not the layout: never search it
    newline = text.rfind("\n", window, bracket)
    if newline < 0 and window > 0:
        return False
    before = text[newline + 1 : bracket]
    return (not before or before.isspace()) and len(before) < len(indent)


class JsonLocator:
    """Maps JSON Pointer segments to offsets; each container is indexed at most once.

    Indexing an object also indexes the arrays among its members, in the same pass.
    An array laid out one element per line (pretty-printed JSON) is indexed by
    searching for its line starts at C speed: a JSON string cannot hold a raw line
    break, so such a line start is never inside a string. Every element located that
    way is checked before use (it must parse to the element's value and be followed by
    the next element's separator); on any mismatch the array is indexed again by
    scanning each element, so positions are always exact.
    """

    def __init__(self, text: str, data: Any) -> None:
        self._text = text
        self._data = data
        self._objects: dict[int, tuple[dict[str, int], int | None]] = {}  # members so far, where to resume
        self._arrays: dict[int, list[int]] = {}
        self._checked: set[int] = set()
        self._lines_trusted = True
        self._keys: dict[int, list[str]] = {}  # the keys of objects being indexed, by id (alive: in the document)

    def offset(self, parts: tuple[str, ...]) -> int:
        pos = _skip_ws(self._text, 0)
        value = self._data
        for part in parts:
            if isinstance(value, list) and part.isdigit() and int(part) < len(value):
                pos = self._element(pos, value, int(part))
                value = value[int(part)]
            elif isinstance(value, dict) and part in value:
                pos = self._member(pos, value, part)
                value = value[part]
            else:
                break
        return pos

    def _element(self, start: int, items: list[Any], index: int) -> int:
        if start not in self._arrays:
            self._index_array(start, items)
        offsets = self._arrays[start]
        if offsets[index] not in self._checked:
            if not self._element_ok(offsets, index, items):
                self._lines_trusted = False
                offsets = self._arrays[start] = self._scan_array(start)[0]
            self._checked.add(offsets[index])
        return offsets[index]

    def _element_ok(self, offsets: list[int], index: int, items: list[Any]) -> bool:
        text = self._text
        try:
            value, end = _LENIENT_SCAN(text, offsets[index])
        except (StopIteration, ValueError):
            return False
        end = _skip_ws(text, end)
        follows = text[end] == "," and _skip_ws(text, end + 1) == offsets[index + 1] if index + 1 < len(items) else text[end] == "]"
        return follows and bool(value == items[index])

    def _member(self, start: int, obj: dict[str, Any], key: str) -> int:
        """Offset of member `key` of the object at `start`, scanning members only as far as needed."""
        found, pos = self._objects.get(start) or ({}, _skip_ws(self._text, start + 1))
        while key not in found and pos is not None:
            pos = self._next_member(pos, obj, found)
        self._objects[start] = (found, pos)
        return found[key]

    def _next_member(self, pos: int, obj: dict[str, Any], found: dict[str, int]) -> int | None:
        """Record the member at `pos`; return where the next one starts, or None after the last."""
        text = self._text
        if text[pos] == "}":
            return None
        key, pos = scanstring(text, pos + 1)
        pos = _skip_ws(text, _skip_ws(text, pos) + 1)
        found[key] = pos
        if text[pos] == "[":
            start, pos = pos, self._index_array(pos, obj[key])
            if not self._next_is(pos, obj, len(found)):  # the shortcut ran past the array's end
                self._lines_trusted = False
                self._arrays[start], pos = self._scan_array(start)
        else:
            _, pos = _LENIENT_SCAN(text, pos)
        pos = _skip_ws(text, pos)
        return _skip_ws(text, pos + 1) if text[pos] == "," else pos

    def _next_is(self, pos: int, obj: dict[str, Any], index: int) -> bool:
        """Whether what follows `pos` is the object's member number `index` (in the text,
        members come in the parsed dict's order), or its end after the last member."""
        text = self._text
        pos = _skip_ws(text, pos)
        if index == len(obj):
            return text[pos : pos + 1] == "}"
        if text[pos : pos + 1] != ",":
            return False
        pos = _skip_ws(text, pos + 1)
        if text[pos : pos + 1] != '"':
            return False
        try:
            key, _ = scanstring(text, pos + 1)
        except (ValueError, IndexError):
            return False
        keys = self._keys.get(id(obj))
        if keys is None:  # listed once: finding the n-th key anew for each member is quadratic
            keys = self._keys[id(obj)] = list(obj)
        return bool(key == keys[index])

    def _index_array(self, start: int, items: list[Any]) -> int:
        """Index the array at `start`; return the position after its closing bracket."""
        found = self._line_starts(start, items)
        offsets, end = found if found is not None else self._scan_array(start)
        self._arrays[start] = offsets
        return end

    def _line_starts(self, start: int, items: list[Any]) -> tuple[list[int], int] | None:
        text = self._text
        first = _skip_ws(text, start + 1)
        # Searched back no further than the bracket: on one long line (minified JSON) a search
        # to the start of the text, and the slice after it, would cost the whole text per array.
        line = text.rfind("\n", start, first) + 1
        count = len(items)
        if count < 2 or text[first] not in "[{" or line <= start or not self._lines_trusted:
            return None
        indent = text[line:first]
        if indent and not indent.isspace():
            return None
        found = self._verified_line_starts(first, indent, items)
        # A layout that fooled the search once may do so again, each time searching far
        # beyond its array: scan the rest of the document, to stay linear in its size.
        self._lines_trusted = found is not None
        return found

    def _verified_line_starts(self, first: int, indent: str, items: list[Any]) -> tuple[list[int], int] | None:
        text, count = self._text, len(items)
        needle = re.compile(re.escape("\n" + indent + text[first]))
        offsets = [first, *(m.end() - 1 for m in islice(needle.finditer(text, first), count - 1))]
        if len(offsets) < count:
            return None
        try:
            last, end = _LENIENT_SCAN(text, offsets[-1])
        except (StopIteration, ValueError):
            return None
        end = _skip_ws(text, end)
        if text[end] != "]" or last != items[-1] or not _dedented(text, end, indent):
            return None
        return offsets, end + 1

    def _scan_array(self, start: int) -> tuple[list[int], int]:
        """Element offsets and the position after the closing bracket, exactly."""
        text, scan, ws = self._text, _LENIENT_SCAN, _WS.match
        offsets: list[int] = []
        pos = _skip_ws(text, start + 1)
        if text[pos] == "]":
            return offsets, pos + 1
        while True:
            offsets.append(pos)
            _, pos = scan(text, pos)
            if text[pos] not in ",]":
                pos = ws(text, pos).end()  # type: ignore[union-attr]
            if text[pos] == "]":
                return offsets, pos + 1
            pos = ws(text, pos + 1).end()  # type: ignore[union-attr]


def read_json(text: str) -> tuple[Any, JsonLocator]:
    """The reader of `.json` files (inputs/readers.py): the value and its locator."""
    data = parse_json(text)
    return data, JsonLocator(text, data)

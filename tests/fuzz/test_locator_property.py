"""The JSON locator's line-start shortcut against a plain full scan (issue 7 §5).

Pretty-printed arrays are indexed by searching for their line starts; anything that
does not check out falls back to scanning each element. Generated documents, laid out
in several ways (pretty-printed, compact, hand-made indentation that fools the shortcut),
must give, for every JSON Pointer, the offset that a plain recursive scan gives.
"""

from __future__ import annotations

import json
import re
from typing import Any

import pytest
from conftest import examples
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from wxcc_policy.inputs.json_reader import JsonLocator, parse_json

pytestmark = pytest.mark.slow  # seconds each: `pytest -m "not slow"` leaves them out, CI runs them

_WS = re.compile(r"[ \t\n\r]*")
_DECODER = json.JSONDecoder()


def full_scan(text: str) -> dict[tuple[str, ...], int]:
    """Every value's offset, by pointer parts: a plain recursive descent over the text."""
    out: dict[tuple[str, ...], int] = {}

    def value(pos: int, parts: tuple[str, ...]) -> int:
        pos = _WS.match(text, pos).end()  # type: ignore[union-attr]
        out[parts] = pos
        if text[pos] == "{":
            return members(pos, parts)
        if text[pos] == "[":
            return elements(pos, parts)
        _, end = _DECODER.raw_decode(text, pos)
        return int(end)

    def members(pos: int, parts: tuple[str, ...]) -> int:
        pos = _WS.match(text, pos + 1).end()  # type: ignore[union-attr]
        while text[pos] != "}":
            key, pos = _DECODER.raw_decode(text, pos)
            pos = _WS.match(text, pos).end() + 1  # type: ignore[union-attr]  # the colon
            pos = _WS.match(text, value(pos, (*parts, key))).end()  # type: ignore[union-attr]
            pos = _WS.match(text, pos + 1).end() if text[pos] == "," else pos  # type: ignore[union-attr]
        return pos + 1

    def elements(pos: int, parts: tuple[str, ...]) -> int:
        pos = _WS.match(text, pos + 1).end()  # type: ignore[union-attr]
        index = 0
        while text[pos] != "]":
            pos = _WS.match(text, value(pos, (*parts, str(index)))).end()  # type: ignore[union-attr]
            pos = _WS.match(text, pos + 1).end() if text[pos] == "," else pos  # type: ignore[union-attr]
            index += 1
        return pos + 1

    value(0, ())
    return out


_scalars = st.one_of(st.none(), st.booleans(), st.integers(-1000, 1000), st.sampled_from(["", "a", "{", "[", "x\ny", "\n  {"]))
_keys = st.sampled_from(["a", "b", "id", "items", "[", "\n"])
_values = st.recursive(
    _scalars,
    lambda inner: st.lists(inner, max_size=5) | st.dictionaries(_keys, inner, max_size=4),
    max_leaves=30,
)


def _layouts(data: Any) -> list[str]:
    """The same value written several ways, including one that misleads the shortcut:
    every element of every array on a line of its own at the same indentation, nesting ignored."""
    flat_lines = re.sub(r"\n\s*", "\n  ", json.dumps(data, indent=2))
    return [json.dumps(data, indent=1), json.dumps(data, indent=2), json.dumps(data), flat_lines, json.dumps(data, indent="\t")]


@settings(max_examples=examples(300), deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(_values, min_size=2, max_size=6) | st.dictionaries(_keys, _values, min_size=1, max_size=5))
@example(data=[[[], None, [None]], [None]])  # found in CI: a look-alike last element outside the array
def test_line_start_shortcut_matches_a_full_scan(data: Any) -> None:
    for text in _layouts(data):
        expected = full_scan(text)
        locator = JsonLocator(text, parse_json(text))
        for parts, offset in sorted(expected.items(), key=lambda item: -len(item[0])):  # deepest first: arrays indexed from inside
            assert locator.offset(parts) == offset, (text, parts)
        fresh = JsonLocator(text, parse_json(text))
        for parts, offset in sorted(expected.items()):  # and in document order, from a fresh locator
            assert fresh.offset(parts) == offset, (text, parts)

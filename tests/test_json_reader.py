"""The strict JSON reader: single-value documents (issue 17 §5) and locating that stays
linear in the file size whatever the layout (issue 17 §9)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from conftest import EXAMPLES, minimal_snapshot, run_cli

from wxcc_policy.inputs.json_reader import JsonLocator, parse_json
from wxcc_policy.inputs.positions import line_columns

SINGLE_NUMBERS = {
    "1e999": "1e999 is too large for a number",
    "7" * 4301: "an integer of more than 4,300 digits is not supported",
    "  \n -1e999 ": "-1e999 is too large for a number",
}


@pytest.mark.parametrize("text", list(SINGLE_NUMBERS), ids=["1e999", "4301-digits", "indented"])
def test_a_document_that_is_one_number_is_a_located_parse_error(runner: Any, tmp_path: Path, text: str) -> None:
    path = tmp_path / "n.json"
    path.write_text(text)
    where = "2:2" if text.startswith(" ") else "1:1"
    code, out, err = run_cli(runner, "check", str(path))
    assert code == 1 and err == ""
    assert out.splitlines()[0] == f"{path}:{where}: error PARSE invalid JSON: {SINGLE_NUMBERS[text]}"


@pytest.mark.parametrize("text", list(SINGLE_NUMBERS), ids=["1e999", "4301-digits", "indented"])
def test_a_baseline_or_change_file_that_is_one_number_is_one_line(runner: Any, tmp_path: Path, text: str) -> None:
    number = tmp_path / "n.json"
    number.write_text(text)
    snapshot = str(EXAMPLES / "acme-tenant.json")
    code, out, err = run_cli(runner, "check", "--baseline", str(number), snapshot)
    assert code == 2 and out == ""  # a malformed baseline is a usage error (docs/waivers.md)
    assert err.count("\n") == 1 and err.startswith(f"wxcc-policy: error: {number}:") and SINGLE_NUMBERS[text] in err
    code, out, err = run_cli(runner, "plan", snapshot, str(number))
    assert code == 1 and err == "" and "internal error" not in out
    assert f"{number}:" in out and SINGLE_NUMBERS[text] in out


@pytest.mark.parametrize(
    ("text", "where", "message"),
    [
        ("[1, 1e999", 4, "1e999 is too large for a number"),  # the text ends after the culprit
        ('[{"a": 1, "a": 2}, ', 10, 'duplicate key "a"'),
        ('{"x": [1, ' + "9" * 4301, 10, "an integer of more than 4,300 digits is not supported"),
    ],
)
def test_a_fault_in_a_truncated_text_is_located_without_a_crash(text: str, where: int, message: str) -> None:
    from wxcc_policy.errors import InputError

    with pytest.raises(InputError) as caught:
        parse_json(text)
    assert (caught.value.offset, caught.value.message) == (where, f"invalid JSON: {message}")


class _CountingText(str):
    """A text that counts the characters its searches and slices go over."""

    touched = 0

    def rfind(self, sub: str, start: Any = None, end: Any = None) -> int:  # type: ignore[override]
        found = super().rfind(sub, start, end)  # searched back from the end to what it found
        _CountingText.touched += (len(self) if end is None else end) - (start or 0 if found < 0 else found)
        return found

    def count(self, sub: str, start: Any = None, end: Any = None) -> int:  # type: ignore[override]
        _CountingText.touched += (len(self) if end is None else end) - (start or 0)
        return super().count(sub, start, end)

    def __getitem__(self, key: Any) -> str:  # type: ignore[override]
        if isinstance(key, slice):
            _CountingText.touched += len(range(*key.indices(len(self))))
        return super().__getitem__(key)


def _snapshot_with_users(users: int) -> dict[str, Any]:
    doc = minimal_snapshot()
    template = doc["users"][0]
    doc["users"] = [{**template, "id": f"u-{i}", "roles": ["agent", "supervisor"]} for i in range(users)]
    return doc


@pytest.mark.parametrize("indent", [None, 2], ids=["one-line", "indented"])
def test_locating_many_values_goes_over_the_text_a_few_times_at_most(indent: int | None) -> None:
    doc = _snapshot_with_users(2000)
    text = _CountingText(json.dumps(doc, indent=indent, separators=(",", ":") if indent is None else None))
    locator = JsonLocator(text, parse_json(str(text)))
    pointers = [("users", str(i), "roles", "1") for i in range(0, 2000, 7)]
    _CountingText.touched = 0
    offsets = [locator.offset(p) for p in pointers]
    positions = line_columns(text, offsets)
    # Before: each array's line-start test sliced (and searched) from the start of its line,
    # which on one line is the start of the text: 286 values went over 140 times its size.
    assert _CountingText.touched <= 3 * len(text), _CountingText.touched / len(text)
    assert all(str(text)[off : off + 12] == '"supervisor"' for off in offsets)
    assert len(positions) == len(pointers)


# The C fast path (msgspec, then an exact duplicate-key count) decides a text only when the
# strict parser would return the same value; anything else (every error) the strict parser decides.
_PIECES = ["{", "}", "[", "]", ",", ":", '"', "\\", "\\u", "\\ud800", "\\udc00", "\\u003a", "1", "-", ".", "e", "9" * 25, "1e400",
           " ", "\n", "null", "NaN", '"a"', '"a":1', '"b":', "\x01", "é"]  # fmt: skip
_SEEDS = [
    '{"a": 1, "b": [1, 2.5, -0.0, 1e5, "x:y"], "c": {"d": null, "e": true}}',
    '[{"id": "u-1", "s": "Sub:1"}, {"id": "u-2", "s": "Sub-2"}]',
    '{"a": "\\ud83d\\ude00", "b": "\\u003a", "k": {"k": 12345678901234567890123}}',
]


def _outcome(parse: Any, text: str) -> tuple[Any, ...]:
    from wxcc_policy.errors import InputError

    try:
        return ("value", repr(parse(text)))
    except InputError as exc:
        return ("error", exc.message, exc.offset)


@pytest.mark.slow
def test_the_fast_path_decides_every_text_as_the_strict_parser() -> None:
    from hypothesis import given, settings
    from hypothesis import strategies as st

    from wxcc_policy.inputs.json_reader import _UNDECIDED, _fast_parse, _strict_parse

    edits = st.lists(st.tuples(st.integers(0, 80), st.integers(0, 2), st.sampled_from(_PIECES)), min_size=1, max_size=5)

    @settings(max_examples=3000, deadline=None, database=None)
    @given(st.sampled_from(_SEEDS), edits)
    def agree(seed: str, changes: list[tuple[int, int, str]]) -> None:
        text = seed
        for at, cut, piece in changes:
            text = text[:at] + piece + text[at + cut :]
        strict = _outcome(_strict_parse, text)
        fast = _fast_parse(text)
        assert fast is _UNDECIDED or strict == ("value", repr(fast))  # when it decides, as the strict parser

    agree()


@pytest.mark.parametrize(
    "text",
    ['{"a": 1, "a": 2}', '{"a": {"b": 1}, "a": {"b": 1}}', '[{"x": "1:2", "x": "1:2"}]', '{"\\u003a": 1, ":": 2, "\\u003a": 3}'],
)
def test_a_duplicate_key_is_found_by_the_fast_path_too(text: str) -> None:
    from wxcc_policy.errors import InputError
    from wxcc_policy.inputs.json_reader import _UNDECIDED, _fast_parse

    assert _fast_parse(text) is _UNDECIDED
    with pytest.raises(InputError, match="duplicate key"):
        parse_json(text)


def test_a_large_text_takes_the_fast_path_with_the_same_value(monkeypatch: Any) -> None:
    from wxcc_policy.inputs import json_reader

    text = json.dumps(_snapshot_with_users(3000))
    monkeypatch.setattr(json_reader, "FAST_PARSE_FROM", len(text))
    monkeypatch.setattr(json_reader, "_parsed_chars", 0)
    calls: list[str] = []
    monkeypatch.setattr(json_reader, "_strict_parse", lambda t: calls.append(t))
    assert parse_json(text) == json.loads(text) and calls == []  # no strict parse was needed

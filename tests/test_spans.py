"""Where a located value ends (inputs/spans.py): the end of the range `wxcc-policy lsp` underlines."""

from __future__ import annotations

import json
from typing import Any

from conftest import EXAMPLES

from wxcc_policy.inputs.documents import Document, read_document
from wxcc_policy.inputs.pointers import join_pointer
from wxcc_policy.inputs.spans import json_value_end, yaml_value_end


def _pointers(value: Any, path: tuple[Any, ...] = ()) -> list[tuple[str, Any]]:
    out = [(join_pointer(list(path)), value)]
    children = value.items() if isinstance(value, dict) else enumerate(value) if isinstance(value, list) else ()
    for key, child in children:
        out += _pointers(child, (*path, key))
    return out


def _document(name: str) -> Document:
    document = read_document(EXAMPLES / name)
    assert isinstance(document, Document)
    return document


def test_every_json_value_ends_where_its_text_ends() -> None:
    document = _document("acme-tenant.json")
    pairs = _pointers(document.data)
    positions = document.positions([p for p, _ in pairs])
    for pointer, value in pairs:
        start = positions[pointer].offset
        assert json.loads(document.text[start : json_value_end(document.text, start)]) == value, pointer


def test_json_strings_with_escapes_and_brackets_inside_and_unclosed_values() -> None:
    text = '{"a": "x]\\"}", "b": [1, {"c": "]"}], "d": -1.5e3}'
    assert text[text.index('"x') : json_value_end(text, text.index('"x'))] == '"x]\\"}"'
    assert text[text.index("[1") : json_value_end(text, text.index("[1"))] == '[1, {"c": "]"}]'
    assert text[text.index("-1") : json_value_end(text, text.index("-1"))] == "-1.5e3"
    assert json_value_end("[1, [2", 0) == len("[1, [2")  # a truncated document ends at its end
    assert json_value_end("[" * 100000, 0) == 100000  # no recursion


def test_every_yaml_value_ends_on_its_last_character() -> None:
    document = _document("violations-tenant.yaml")
    root = document.locator.root  # type: ignore[attr-defined]
    pairs = _pointers(document.data)
    positions = document.positions([p for p, _ in pairs])
    for pointer, value in pairs[1:]:
        start = positions[pointer].offset
        shown = document.text[start : yaml_value_end(document.text, root, pointer, start)]
        assert shown == shown.strip() and "\n#" not in shown, pointer
        if isinstance(value, str) and not value.startswith("20"):
            assert shown.strip("\"'") == value, pointer
        if isinstance(value, (dict, list)) and shown[:1] in "{[":
            assert shown[-1] in "}]", pointer

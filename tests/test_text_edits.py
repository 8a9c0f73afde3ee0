"""A JSON Patch written as text edits (inputs/text_edits.py): the edited text reads back as
the patched document, and only the edited spans differ from the original."""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from typing import Any

import jsonpatch
import pytest
import yaml
from conftest import EXAMPLES
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from wxcc_policy.errors import EditRefused
from wxcc_policy.inputs.json_reader import parse_json
from wxcc_policy.inputs.text_edits import TextEdit, applied, text_edits
from wxcc_policy.inputs.yaml_reader import parse_yaml
from wxcc_policy.outputs.in_place import same_value


@dataclass(frozen=True)
class Op:
    op: str
    path: str
    value: Any = None


def _read(text: str, suffix: str) -> Any:
    return parse_json(text) if suffix == ".json" else parse_yaml(text)[0]


def _patched(text: str, suffix: str, ops: list[Op]) -> Any:
    patch = [{"op": o.op, "path": o.path, **({} if o.op == "remove" else {"value": o.value})} for o in ops]
    return jsonpatch.apply_patch(_read(text, suffix), patch)


def edited(text: str, suffix: str, *ops: Op) -> tuple[str, list[TextEdit]]:
    """The edited text, checked: it reads back as the patch's result, and it is the
    original with only the edits' spans replaced."""
    edits = text_edits(text, suffix, list(ops))
    out = applied(text, edits)
    assert same_value(_read(out, suffix), _patched(text, suffix, list(ops))), out
    done = 0
    for edit in edits:  # sorted, disjoint, each located as check locates
        assert edit.start >= done
        done = edit.end
        assert (edit.start_line, edit.start_column) == _line_column(text, edit.start)
        assert (edit.end_line, edit.end_column) == _line_column(text, edit.end)
    return out, edits


def _line_column(text: str, offset: int) -> tuple[int, int]:
    before = text[:offset].replace("\r\n", "\n").replace("\r", "\n")
    return before.count("\n") + 1, len(before) - before.rfind("\n")


PRETTY = """\
{
  "users": [
    {"id": "u1", "subscriptionId": "Sub-1"},
    {"id": "u2", "subscriptionId": "Sub-1"}
  ],
  "tags": {}
}
"""


def test_json_replace_swaps_only_the_value() -> None:
    out, edits = edited(PRETTY, ".json", Op("replace", "/users/1/subscriptionId", "Sub-2"))
    assert [(PRETTY[e.start : e.end], e.text) for e in edits] == [('"Sub-1"', '"Sub-2"')]
    assert (edits[0].start_line, edits[0].start_column, edits[0].end_column) == (4, 36, 43)
    assert out == PRETTY.replace('"u2", "subscriptionId": "Sub-1"', '"u2", "subscriptionId": "Sub-2"')


def test_json_add_and_remove_keep_separators_and_layout() -> None:
    out, _ = edited(PRETTY, ".json", Op("add", "/users/-", {"id": "u3"}))
    assert '    {"id": "u2", "subscriptionId": "Sub-1"},\n    {"id": "u3"}\n  ],' in out
    out, _ = edited(PRETTY, ".json", Op("add", "/users/0", {"id": "u0"}))
    assert '[\n    {"id": "u0"},\n    {"id": "u1"' in out
    out, _ = edited(PRETTY, ".json", Op("remove", "/users/0"))
    assert out == PRETTY.replace('    {"id": "u1", "subscriptionId": "Sub-1"},\n', "")
    out, _ = edited(PRETTY, ".json", Op("remove", "/users/1"))
    assert out == PRETTY.replace(',\n    {"id": "u2", "subscriptionId": "Sub-1"}', "")
    out, _ = edited(PRETTY, ".json", Op("add", "/tags/owner", "é"))
    assert '"tags": {\n    "owner": "é"\n  }\n}' in out
    out, _ = edited(PRETTY, ".json", Op("remove", "/tags"))
    assert out.endswith("  ]\n}\n")


def test_json_operations_apply_in_order_and_join_when_they_touch() -> None:
    ops = [Op("remove", "/users/0"), Op("replace", "/users/0/subscriptionId", "Sub-9"), Op("add", "/users/-", 1)]
    out, edits = edited(PRETTY, ".json", *ops)
    assert '"u2", "subscriptionId": "Sub-9"},\n    1\n  ]' in out
    assert [PRETTY[e.start : e.end] for e in edits] == ['{"id": "u1", "subscriptionId": "Sub-1"},\n    ', '"Sub-1"', ""]
    out, edits = edited(PRETTY, ".json", Op("replace", "/users/0/id", "x"), Op("replace", "/users/0", {"id": "y"}))
    assert [(PRETTY[e.start : e.end], e.text) for e in edits] == [('{"id": "u1", "subscriptionId": "Sub-1"}', '{"id": "y"}')]


def test_compact_json() -> None:
    text = '{"a":[1,2],"b":{"c":true}}'
    assert edited(text, ".json", Op("add", "/a/-", 3))[0] == '{"a":[1,2,3],"b":{"c":true}}'
    assert edited(text, ".json", Op("remove", "/b/c"))[0] == '{"a":[1,2],"b":{}}'
    assert edited(text, ".json", Op("add", "/b/d", [1]))[0] == '{"a":[1,2],"b":{"c":true,"d":[1]}}'


BLOCK = """\
# Users and where they are charged
users:   # every agent
  - id: u1
    subscriptionId: Sub-1   # expired
  - id: u2
    subscriptionId: 'Sub-1'
    roles: [agent, supervisor]

# subscriptions by id
subscriptions:
  Sub-1: {status: expired, quantity: 5}
  Sub-2:
    status: active
notes: |
  kept as written
"""


def test_yaml_block_replace_keeps_comments_and_quoting() -> None:
    out, edits = edited(BLOCK, ".yaml", Op("replace", "/users/0/subscriptionId", "Sub-2"))
    assert out == BLOCK.replace("subscriptionId: Sub-1   # expired", "subscriptionId: Sub-2   # expired")
    assert [(BLOCK[e.start : e.end], e.text) for e in edits] == [("Sub-1", "Sub-2")]
    out, _ = edited(BLOCK, ".yaml", Op("replace", "/users/1/subscriptionId", "Sub-2"))
    assert "subscriptionId: 'Sub-2'" in out
    out, _ = edited(BLOCK, ".yaml", Op("replace", "/subscriptions/Sub-2/status", "2026-01-01"))
    assert "    status: 2026-01-01\n" in out
    out, _ = edited(BLOCK, ".yaml", Op("replace", "/subscriptions/Sub-2/status", "true"))
    assert '    status: "true"\n' in out  # plain `true` would read back as a boolean


def test_yaml_block_add_and_remove_whole_lines() -> None:
    out, _ = edited(BLOCK, ".yaml", Op("add", "/users/-", {"id": "u3", "roles": ["agent"]}))
    assert "    roles: [agent, supervisor]\n  - id: u3\n    roles:\n      - agent\n\n# subscriptions" in out
    out, _ = edited(BLOCK, ".yaml", Op("add", "/users/0", {"id": "u0"}))
    assert "users:   # every agent\n  - id: u0\n  - id: u1\n" in out
    out, _ = edited(BLOCK, ".yaml", Op("remove", "/users/0"))
    assert out == BLOCK.replace("  - id: u1\n    subscriptionId: Sub-1   # expired\n", "")
    out, _ = edited(BLOCK, ".yaml", Op("remove", "/users/0/id"))
    assert "  - subscriptionId: Sub-1   # expired\n" in out
    out, _ = edited(BLOCK, ".yaml", Op("add", "/subscriptions/Sub-2/quantity", 3))
    assert "    status: active\n    quantity: 3\nnotes:" in out
    out, _ = edited(BLOCK, ".yaml", Op("remove", "/subscriptions/Sub-2/status"))
    assert "  Sub-2: {}\n" in out


def test_yaml_flow_collections() -> None:
    out, _ = edited(BLOCK, ".yaml", Op("add", "/users/1/roles/-", "admin"))
    assert "roles: [agent, supervisor, admin]" in out
    out, _ = edited(BLOCK, ".yaml", Op("remove", "/users/1/roles/0"))
    assert "roles: [supervisor]" in out
    out, _ = edited(BLOCK, ".yaml", Op("replace", "/subscriptions/Sub-1/status", "active"))
    assert "Sub-1: {status: active, quantity: 5}" in out
    out, _ = edited(BLOCK, ".yaml", Op("add", "/subscriptions/Sub-1/note", "a: b"))
    assert 'Sub-1: {status: expired, quantity: 5, note: "a: b"}' in out


def test_yaml_block_scalar_and_nested_block_values() -> None:
    out, _ = edited(BLOCK, ".yaml", Op("replace", "/notes", "short"))
    assert out.endswith("notes: short\n")
    out, _ = edited(BLOCK, ".yaml", Op("replace", "/subscriptions/Sub-2", {"status": "active", "quantity": 2}))
    assert "  Sub-2:\n    status: active\n    quantity: 2\nnotes:" in out


def test_crlf_line_breaks_are_kept() -> None:
    text = BLOCK.replace("\n", "\r\n")
    out, _ = edited(text, ".yaml", Op("add", "/users/-", {"id": "u3", "roles": ["agent"]}), Op("remove", "/subscriptions/Sub-1"))
    assert "\n" not in out.replace("\r\n", "")
    pretty = PRETTY.replace("\n", "\r\n")
    out, _ = edited(pretty, ".json", Op("add", "/tags/owner", {"name": "x"}), Op("remove", "/users/0"))
    assert "\n" not in out.replace("\r\n", "")


ALIASED = "defaults: &d {status: active}\nsubscriptions:\n  a: *d\n  b:\n    <<: *d\n    quantity: 1\n"


@pytest.mark.parametrize("path", ["/defaults/status", "/subscriptions/a/status", "/subscriptions/b/status", "/subscriptions/a"])
def test_a_value_shared_through_an_alias_is_refused(path: str) -> None:
    with pytest.raises(EditRefused, match=r"YAML alias\)?: not edited in place .*fix SNAPSHOT -o CHANGE.json"):
        text_edits(ALIASED, ".yaml", [Op("replace", path, "x")])


def test_a_value_beside_an_alias_is_edited() -> None:
    out, _ = edited(ALIASED, ".yaml", Op("replace", "/subscriptions/b/quantity", 2))
    assert out == ALIASED.replace("quantity: 1", "quantity: 2")


@pytest.mark.parametrize(
    ("op", "message"),
    [
        (Op("replace", "/users/9/id", 1), "no value at /users/9"),
        (Op("remove", "/nope"), "no value at /nope"),
        (Op("add", "/users/7", 1), "no array index '7'"),
        (Op("add", "/users/0/id/x", 1), "not an object or an array"),
        (Op("move", "/users/0", None), "not written in place"),
        (Op("remove", "", None), "whole document"),
    ],
)
@pytest.mark.parametrize("suffix", [".json", ".yaml"])
def test_an_operation_that_cannot_be_written_is_refused(op: Op, message: str, suffix: str) -> None:
    with pytest.raises(EditRefused, match=message):
        text_edits(PRETTY, suffix, [op])  # JSON is YAML: the same text, read both ways


def test_the_example_tenants() -> None:
    yaml_text = (EXAMPLES / "violations-tenant.yaml").read_text(encoding="utf-8")
    remap = Op("replace", "/users/0/subscriptionId", "Sub-2")
    out, edits = edited(yaml_text, ".yaml", remap, Op("replace", "/subscriptions/0/status", "expired"))
    assert [e.text for e in edits] == ["expired", "Sub-2"]
    assert out.count("\n") == yaml_text.count("\n")
    json_text = (EXAMPLES / "acme-tenant.json").read_text(encoding="utf-8")
    edited(json_text, ".json", Op("remove", "/users/0"), Op("add", "/users/-", {"id": "u-new", "roles": []}))


# -- property: any add, remove or replace, on JSON and YAML in any layout ------------------

_SCALARS = st.one_of(
    st.none(), st.booleans(), st.integers(-1000, 1000), st.floats(allow_nan=False, allow_infinity=False, width=32),
    st.text(st.characters(codec="utf-8", exclude_categories=("Cs", "Cc")), max_size=8),
    st.sampled_from(["true", "no", "1e3", "2026-01-01", "a: b", "# x", "- y", "null", "~", "Sub-1", "'q'"]),
)  # fmt: skip
_KEYS = st.text(st.characters(codec="ascii", categories=("L", "N")), min_size=1, max_size=5)
_VALUES = st.recursive(_SCALARS, lambda inner: st.lists(inner, max_size=4) | st.dictionaries(_KEYS, inner, max_size=4), max_leaves=12)
_DOCUMENTS = st.dictionaries(_KEYS, _VALUES, min_size=1, max_size=5)
_LAYOUTS = {
    "json-pretty": (".json", lambda d: json.dumps(d, indent=2, ensure_ascii=False)),
    "json-compact": (".json", lambda d: json.dumps(d, separators=(",", ":"), ensure_ascii=False)),
    "json-crlf": (".json", lambda d: json.dumps(d, indent=4, ensure_ascii=False).replace("\n", "\r\n")),
    "yaml-block": (".yaml", lambda d: yaml.safe_dump(d, allow_unicode=True, sort_keys=False)),
    "yaml-flow": (".yaml", lambda d: yaml.safe_dump(d, allow_unicode=True, sort_keys=False, default_flow_style=True)),
    "yaml-mixed": (".yaml", lambda d: yaml.safe_dump(d, allow_unicode=True, sort_keys=False, default_flow_style=None)),
    "yaml-crlf": (".yaml", lambda d: "# head\r\n" + yaml.safe_dump(d, allow_unicode=True, sort_keys=False).replace("\n", "\r\n")),
}


def _pointers(value: Any, prefix: str = "") -> list[tuple[str, Any]]:
    found = [(prefix, value)]
    children = value.items() if isinstance(value, dict) else enumerate(value) if isinstance(value, list) else []
    for key, child in children:
        found.extend(_pointers(child, f"{prefix}/{key}"))
    return found


@st.composite
def _operation(draw: Any, doc: dict[str, Any]) -> Op:
    pointer, target = draw(st.sampled_from(_pointers(doc)[1:]))
    kind = draw(st.sampled_from(["replace", "remove", "add"]))
    value = draw(_VALUES)
    if kind != "add":
        return Op(kind, pointer, value)
    if isinstance(target, dict):
        return Op("add", f"{pointer}/{draw(_KEYS)}", value)
    if isinstance(target, list):
        return Op("add", f"{pointer}/{draw(st.sampled_from(['-', *map(str, range(len(target) + 1))]))}", value)
    return Op("replace", pointer, value)


def _yaml_readable(text: str) -> bool:
    """PyYAML writes some strings (a lone `\\x85`, say) as YAML 1.1 reads them: left out."""
    try:
        parse_yaml(text)
    except Exception:
        return False
    return True


@settings(max_examples=int(os.environ.get("EDIT_EXAMPLES", "300")), deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(doc=_DOCUMENTS, layout=st.sampled_from(sorted(_LAYOUTS)), data=st.data())
def test_any_patch_in_any_layout_reads_back_as_the_patched_document(doc: dict[str, Any], layout: str, data: Any) -> None:
    suffix, dump = _LAYOUTS[layout]
    text = dump(doc)
    if suffix == ".yaml" and (not _yaml_readable(text) or not same_value(parse_yaml(text)[0], doc)):
        return
    ops = [data.draw(_operation(doc))]
    after = _patched(text, suffix, ops)
    if isinstance(after, dict) and after and data.draw(st.booleans()):
        ops.append(data.draw(_operation(after)))
    edited(text, suffix, *ops)


@pytest.mark.parametrize(
    ("text", "ops", "expected"),
    [
        ("---\na: 1\nb:\n  - x\n...\n", [Op("add", "/b/-", "y"), Op("remove", "/a")], "---\nb:\n  - x\n  - y\n...\n"),
        ("a:  # c\n  # in\n  x: 1\n  # after\nb: 2\n", [Op("add", "/a/y", 2)], "a:  # c\n  # in\n  x: 1\n  y: 2\n  # after\nb: 2\n"),
        ("a:\n- 1\n- 2\nb: 2", [Op("add", "/a/-", 3), Op("add", "/c", 1)], "a:\n- 1\n- 2\n- 3\nb: 2\nc: 1"),
        ("- - a\n  - b\n- c\n", [Op("remove", "/0/0"), Op("add", "/0/0", "q")], "- - q\n  - b\n- c\n"),
        ("k: >\n  folded\n  text\nn: 1\n", [Op("replace", "/k", "x")], "k: x\nn: 1\n"),
        ("k: 'it''s'\n", [Op("replace", "/k", "o'k")], "k: 'o''k'\n"),
        ('k: "x"\n', [Op("replace", "/k", "line\nbreak")], 'k: "line\\nbreak"\n'),
        ("a:\n", [Op("replace", "/a", 1)], "a: 1\n"),
        ("a: # why\nb: 1\n", [Op("add", "/a", [1])], "a: [1] # why\nb: 1\n"),
        ("- \n- x\n", [Op("replace", "/0", "w")], "- w \n- x\n"),  # the blank after `-` is not the value's
        ("a: !!str 5\n", [Op("replace", "/a", "6")], 'a: "6"\n'),
        ("a:\n  - {p: 1}\n", [Op("replace", "/a/0", {"p": 2, "q": [1]})], "a:\n  - {p: 2, q: [1]}\n"),
        ("x: [\n  1,\n  2\n]\n", [Op("add", "/x/-", 3), Op("remove", "/x/0")], "x: [\n  2,\n  3\n]\n"),
    ],
)
def test_yaml_layouts(text: str, ops: list[Op], expected: str) -> None:
    assert edited(text, ".yaml", *ops)[0] == expected

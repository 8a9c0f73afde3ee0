"""JSON Patch operations as text edits of a YAML document (inputs/text_edits.py).

The composed node graph gives each value's span (a block collection's end mark runs over
the blank and comment lines after it: they are left out). Block collections gain and lose
whole lines at the indentation of their members; flow collections (`[a, b]`, `{a: 1}`)
gain and lose members with the separator they use. Comments outside the edited value stay.
A value reached through an alias, an anchored value that an alias repeats, or a member
merged in with `<<` would change in several places at once: it is refused.
"""

from __future__ import annotations

import json
import re
from typing import Any, NamedTuple

import yaml

from wxcc_policy.errors import EditRefused
from wxcc_policy.inputs.pointers import join_pointer
from wxcc_policy.inputs.spans import before_trailing_blank
from wxcc_policy.inputs.text_layout import (
    Edit,
    after_line,
    column_of,
    indent_unit,
    insert_position,
    line_end,
    line_start,
    newline_of,
    starts_line,
)
from wxcc_policy.inputs.yaml_reader import compose_yaml, construct, node_at, plain_is_string

_MERGE = "tag:yaml.org,2002:merge"
_PROPERTIES = re.compile(r"(?:[&!][^\s]*[ \t]+)*")  # an anchor or a tag before a value
_PLAIN_SAFE = re.compile(r"[A-Za-z0-9_./][A-Za-z0-9_./@+\-]*(?: [A-Za-z0-9_./@+\-]+)*")
_OWN_LINE = re.compile(r"[ \t]*:[ \t]*(?:\r?\n|\r)[ \t\r\n]*")
PATCH_HINT = "write the fix as a patch instead: wxcc-policy fix SNAPSHOT -o CHANGE.json"


class _Step(NamedTuple):
    node: yaml.Node
    key: yaml.Node | None = None  # the member name, when the parent is a mapping
    place: int = 0  # the member's index in its parent


def _shared_nodes(root: yaml.Node | None) -> set[int]:
    """The nodes the graph reaches more than once (an anchored value and its aliases)."""
    seen: set[int] = set()
    shared: set[int] = set()
    stack = [root] if root is not None else []
    while stack:
        node = stack.pop()
        if id(node) in seen:
            shared.add(id(node))
            continue
        seen.add(id(node))
        if isinstance(node, yaml.MappingNode):
            stack.extend(n for pair in node.value for n in pair)
        elif isinstance(node, yaml.SequenceNode):
            stack.extend(node.value)
    return shared


class YamlEditor:
    """Text edits of one YAML text, each operation judged against the text as it is."""

    def __init__(self, text: str) -> None:
        self.text = text
        root = compose_yaml(text)  # the nodes are enough: the reader has built the value already
        if root is None:
            raise EditRefused("the document is empty", 0)
        self.root: yaml.Node = root
        self._shared = _shared_nodes(root)
        self._newline = newline_of(text)
        self._unit = len(indent_unit(text))

    @property
    def data(self) -> Any:
        """The document's value, built from the nodes already composed."""
        return construct(self.root)

    # -- finding the value ----------------------------------------------------------------

    def _steps(self, parts: tuple[str, ...]) -> list[_Step]:
        steps = [_Step(self.root)]
        for depth, part in enumerate(parts):
            self._unshared(steps[-1].node, parts[:depth])
            child = _child(steps[-1].node, part)
            if child is None:
                raise self._missing(steps[-1].node, parts[: depth + 1])
            steps.append(child)
        self._unshared(steps[-1].node, parts)
        return steps

    def _unshared(self, node: yaml.Node, parts: tuple[str, ...]) -> None:
        if id(node) in self._shared:
            message = f"the value at {join_pointer(parts) or '/'} is shared through a YAML alias: not edited in place ({PATCH_HINT})"
            raise EditRefused(message, node.start_mark.index)

    def _missing(self, parent: yaml.Node, parts: tuple[str, ...]) -> EditRefused:
        pointer = join_pointer(parts)
        if isinstance(parent, yaml.MappingNode) and node_at(parent, parts[-1:]) is not parent:
            message = f"the value at {pointer} is merged in with '<<' (shared through a YAML alias): not edited in place ({PATCH_HINT})"
            return EditRefused(message, parent.start_mark.index)
        return EditRefused(f"no value at {pointer}", parent.start_mark.index)

    def _end(self, node: yaml.Node) -> int:
        """Where the value's own text ends: a block collection or block scalar without the
        blank lines and comment lines its end mark runs over."""
        start, end = node.start_mark.index, node.end_mark.index
        if isinstance(node, yaml.ScalarNode) and node.style not in ("|", ">"):
            return int(end)
        if self._is_flow(node):
            return int(end)
        return before_trailing_blank(self.text, start, end)

    def _body(self, node: yaml.Node) -> int:
        """Where the value starts after its anchor and tag."""
        start = int(node.start_mark.index)
        return _PROPERTIES.match(self.text, start).end()  # type: ignore[union-attr]

    def _is_flow(self, node: yaml.Node) -> bool:
        return not isinstance(node, yaml.ScalarNode) and self.text[self._body(node) : self._body(node) + 1] in ("[", "{")

    def _in_flow(self, steps: list[_Step]) -> bool:
        return any(self._is_flow(step.node) for step in steps[:-1])

    # -- the operations -------------------------------------------------------------------

    def replace(self, parts: tuple[str, ...], value: Any) -> Edit:
        return self._replace(self._steps(parts), value)

    def _replace(self, steps: list[_Step], value: Any) -> Edit:
        node = steps[-1].node
        start, end = int(node.start_mark.index), self._end(node)
        block = not self._in_flow(steps) and not isinstance(node, yaml.ScalarNode) and not self._is_flow(node)
        if block and isinstance(value, (dict, list)) and value:
            column, key = column_of(self.text, start), steps[-1].key
            # A sequence may sit at its key's indentation (`key:` then `- item`), a mapping may not.
            under = column_of(self.text, key.start_mark.index) if key is not None else -1
            extra = " " * (under + self._unit - column) if isinstance(value, dict) and column <= under else ""
            return Edit(start, end, extra + self._block(value, column + len(extra)))
        style = node.style if isinstance(node, yaml.ScalarNode) else None
        text = _flow(value, style)
        if start == end:  # an empty value (`key:`, `- `) starts right after its indicator
            return Edit(start, end, " " + text)
        key = steps[-1].key
        if block and key is not None and _OWN_LINE.fullmatch(self.text, key.end_mark.index, start):
            colon = self.text.index(":", key.end_mark.index)
            return Edit(colon + 1, end, " " + text)  # `key:` then its value on the same line
        return Edit(start, end, text)

    def remove(self, parts: tuple[str, ...]) -> Edit:
        if not parts:
            raise EditRefused("the whole document cannot be removed", 0)
        steps = self._steps(parts)
        parent, index = steps[-2].node, steps[-1].place
        if self._is_flow(parent):
            return self._remove_flow(parent, index)
        if len(parent.value) == 1:
            return self._replace(steps[:-1], {} if isinstance(parent, yaml.MappingNode) else [])
        start, end = self._member_start(parent, index), self._end(_member_value(parent, index))
        if starts_line(self.text, start):
            return Edit(line_start(self.text, start), after_line(self.text, end), "")
        return Edit(start, self._member_start(parent, index + 1), "")  # the first member, after `- `

    def _member_start(self, parent: yaml.Node, index: int) -> int:
        if isinstance(parent, yaml.MappingNode):
            return int(parent.value[index][0].start_mark.index)
        return self._dash(parent.value[index])

    def _dash(self, item: yaml.Node) -> int:
        """The `-` of a block sequence's item."""
        pos = int(item.start_mark.index) - 1
        while pos >= 0 and self.text[pos] in " \t\r\n":
            pos -= 1
        if pos < 0 or self.text[pos] != "-":
            raise EditRefused("cannot find the '-' of this sequence item", item.start_mark.index)
        return pos

    def _remove_flow(self, parent: yaml.Node, index: int) -> Edit:
        spans = self._flow_spans(parent)
        if len(spans) == 1:
            return Edit(self._body(parent) + 1, int(parent.end_mark.index) - 1, "")
        if index < len(spans) - 1:
            return Edit(spans[index][0], spans[index + 1][0], "")
        return Edit(spans[index - 1][1], spans[index][1], "")

    def _flow_spans(self, parent: yaml.Node) -> list[tuple[int, int]]:
        if isinstance(parent, yaml.MappingNode):
            return [(int(k.start_mark.index), int(v.end_mark.index)) for k, v in parent.value]
        return [(int(v.start_mark.index), int(v.end_mark.index)) for v in parent.value]

    def add(self, parts: tuple[str, ...], value: Any) -> Edit:
        if not parts:
            return self._replace([_Step(self.root)], value)
        steps = self._steps(parts[:-1])
        parent, part = steps[-1].node, parts[-1]
        if isinstance(parent, yaml.MappingNode):
            child = _child(parent, part)
            if child is not None:  # JSON Patch: `add` of an existing member replaces it
                self._unshared(child.node, parts)
                return self._replace([*steps, child], value)
            return self._add_member(steps, part, value)
        if isinstance(parent, yaml.SequenceNode):
            return self._add_item(steps, insert_position(part, len(parent.value), parent.start_mark.index), value)
        raise EditRefused(f"the value at {join_pointer(parts[:-1]) or '/'} is not an object or an array", parent.start_mark.index)

    def _add_member(self, steps: list[_Step], key: str, value: Any) -> Edit:
        parent = steps[-1].node
        if self._is_flow(parent) or self._in_flow(steps):
            return self._add_flow(steps, f"{_flow(key)}: {_flow(value)}", {key: value}, None)
        last = parent.value[-1]
        column = column_of(self.text, last[0].start_mark.index)
        at = line_end(self.text, self._end(last[1]))
        return Edit(at, at, self._newline + " " * column + self._member(key, value, column))

    def _add_item(self, steps: list[_Step], position: int | None, value: Any) -> Edit:
        parent = steps[-1].node
        if self._is_flow(parent) or self._in_flow(steps):
            return self._add_flow(steps, _flow(value), [value], position)
        column = column_of(self.text, self._dash(parent.value[0]))
        item = "- " + self._item(value, column + 2)
        if position is None:
            at = line_end(self.text, self._end(parent.value[-1]))
            return Edit(at, at, self._newline + " " * column + item)
        before = self._dash(parent.value[position])
        return Edit(before, before, item + self._newline + " " * column)

    def _add_flow(self, steps: list[_Step], member: str, whole: Any, position: int | None) -> Edit:
        parent = steps[-1].node
        spans = self._flow_spans(parent)
        if not spans:
            return self._replace(steps, whole)
        separator = self.text[spans[0][1] : spans[1][0]] if len(spans) >= 2 else ", "
        if position is None:
            return Edit(spans[-1][1], spans[-1][1], separator + member)
        return Edit(spans[position][0], spans[position][0], member + separator)

    # -- writing values -------------------------------------------------------------------

    def _member(self, key: str, value: Any, column: int) -> str:
        if isinstance(value, (dict, list)) and value:
            inner = column + self._unit
            return f"{_flow(key)}:{self._newline}{' ' * inner}{self._block(value, inner)}"
        return f"{_flow(key)}: {_flow(value)}"

    def _item(self, value: Any, column: int) -> str:
        return self._block(value, column) if isinstance(value, (dict, list)) and value else _flow(value)

    def _block(self, value: Any, column: int) -> str:
        """A non-empty collection in block style whose first line starts at `column` (the
        text before it is already there) and whose other lines are indented to it."""
        glue = self._newline + " " * column
        if isinstance(value, dict):
            return glue.join(self._member(str(k), v, column) for k, v in value.items())
        return glue.join("- " + self._item(v, column + 2) for v in value)


def _child(node: yaml.Node, part: str) -> _Step | None:
    """The member `part` written in this collection itself (not merged in with `<<`)."""
    if isinstance(node, yaml.SequenceNode):
        if part.isdigit() and int(part) < len(node.value):
            return _Step(node.value[int(part)], None, int(part))
        return None
    if isinstance(node, yaml.MappingNode):
        for index, (key, value) in enumerate(node.value):
            if key.tag != _MERGE and isinstance(key, yaml.ScalarNode) and str(key.value) == part:
                return _Step(value, key, index)
    return None


def _member_value(parent: yaml.Node, index: int) -> yaml.Node:
    member = parent.value[index]
    return member[1] if isinstance(parent, yaml.MappingNode) else member


def _flow(value: Any, style: str | None = None) -> str:
    """A value in flow style: plain where it reads back the same, else double-quoted
    (JSON's string escapes are YAML's); a single-quoted string stays single-quoted."""
    if isinstance(value, dict):
        return "{" + ", ".join(f"{_flow(str(k))}: {_flow(v)}" for k, v in value.items()) + "}"
    if isinstance(value, list):
        return "[" + ", ".join(_flow(v) for v in value) + "]"
    if not isinstance(value, str):
        return json.dumps(value)
    if style == "'" and value.isprintable():
        return "'" + value.replace("'", "''") + "'"
    if style != '"' and _PLAIN_SAFE.fullmatch(value) and plain_is_string(value):
        return value
    return json.dumps(value, ensure_ascii=False)

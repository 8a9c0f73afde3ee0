"""JSON Patch operations as text edits of a JSON document (inputs/text_edits.py).

A replaced value's text is swapped for the new value's; an added member or element is
inserted after the last one (or before the element it precedes) with the separator the
container already uses between its members, so a pretty-printed array stays one element
per line; a removed one takes its separator with it.
"""

from __future__ import annotations

import json
import re
from json.decoder import scanstring  # type: ignore[attr-defined]
from typing import Any, NamedTuple

from wxcc_policy.errors import EditRefused
from wxcc_policy.inputs.json_reader import JsonLocator, parse_json
from wxcc_policy.inputs.pointers import join_pointer
from wxcc_policy.inputs.text_layout import Edit, indent_unit, indentation, insert_position, newline_of

_WS = re.compile(r"[ \t\n\r]*")
_SCAN = json.JSONDecoder().scan_once  # type: ignore[attr-defined]


class _Member(NamedTuple):
    key: str | int
    start: int  # the member name's quote, or the element's first character
    value_start: int
    value_end: int


class _Container(NamedTuple):
    start: int  # the opening bracket
    close: int  # the closing bracket
    members: tuple[_Member, ...]


def _skip(text: str, pos: int) -> int:
    return _WS.match(text, pos).end()  # type: ignore[union-attr]


def _container(text: str, start: int) -> _Container:
    """The members of the object or array whose bracket is at `start`, with their spans."""
    is_object = text[start] == "{"
    members: list[_Member] = []
    pos = _skip(text, start + 1)
    while text[pos] not in "}]":
        key: str | int = len(members)
        member_start = pos
        if is_object:
            key, pos = scanstring(text, pos + 1)
            pos = _skip(text, _skip(text, pos) + 1)  # over the colon
        _, end = _SCAN(text, pos)
        members.append(_Member(key, member_start, pos, end))
        pos = _skip(text, end)
        if text[pos] == ",":
            pos = _skip(text, pos + 1)
    return _Container(start, pos, tuple(members))


class JsonEditor:
    """Text edits of one JSON text, each operation judged against the text as it is."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.data = parse_json(text)
        self._locator = JsonLocator(text, self.data)
        self._newline = newline_of(text)
        self._unit = indent_unit(text)
        self._pretty = "\n" in text.strip() or "\r" in text.strip()
        # A document written without blanks (`{"a":1,"b":[2]}`) gets its new values so too.
        self._separators = (",", ":") if not self._pretty and '": ' not in text and ", " not in text else (", ", ": ")

    def value_span(self, parts: tuple[str, ...]) -> tuple[int, int]:
        start = self._locator.offset(parts)
        return start, _SCAN(self.text, start)[1]

    def _resolve(self, parts: tuple[str, ...]) -> Any:
        """The value a pointer names; refused, at its nearest ancestor, when there is none."""
        value = self.data
        for depth, part in enumerate(parts):
            if isinstance(value, dict) and part in value:
                value = value[part]
            elif isinstance(value, list) and part.isdigit() and int(part) < len(value):
                value = value[int(part)]
            else:
                raise EditRefused(f"no value at {join_pointer(parts[: depth + 1])}", self._locator.offset(parts[:depth]))
        return value

    def replace(self, parts: tuple[str, ...], value: Any) -> Edit:
        self._resolve(parts)
        start, end = self.value_span(parts)
        return Edit(start, end, self.render(value, indentation(self.text, start), self._one_line(start, end)))

    def remove(self, parts: tuple[str, ...]) -> Edit:
        if not parts:
            raise EditRefused("the whole document cannot be removed", 0)
        self._resolve(parts)
        container = _container(self.text, self._locator.offset(parts[:-1]))
        members = container.members
        index = _index_of(members, parts[-1])
        if len(members) == 1:
            return Edit(container.start + 1, container.close, "")
        if index < len(members) - 1:
            return Edit(members[index].start, members[index + 1].start, "")
        return Edit(members[index - 1].value_end, members[index].value_end, "")

    def add(self, parts: tuple[str, ...], value: Any) -> Edit:
        """JSON Patch `add`: an object's existing member is replaced, a new one appended;
        an array's element is inserted before the index (`-`: at the end)."""
        if not parts:
            return Edit(*self.value_span(()), self.render(value, ""))
        parent = self._resolve(parts[:-1])
        if isinstance(parent, dict):
            return self.replace(parts, value) if parts[-1] in parent else self._insert(parts, value, None)
        if isinstance(parent, list):
            return self._insert(parts, value, insert_position(parts[-1], len(parent), self._locator.offset(parts[:-1])))
        raise EditRefused(f"the value at {join_pointer(parts[:-1]) or '/'} is not an object or an array", self._locator.offset(parts[:-1]))

    def _insert(self, parts: tuple[str, ...], value: Any, position: int | None) -> Edit:
        """Insert a member (an object's new key, position None) or an element before
        `position` (None: at the end)."""
        container = _container(self.text, self._locator.offset(parts[:-1]))
        is_object = self.text[container.start] == "{"
        members = container.members
        if not members:
            return self._first_member(container, parts[-1] if is_object else None, value)
        separator = self._separator(container)
        indent = separator.rpartition("\n")[2] if "\n" in separator else indentation(self.text, members[0].start)
        one_line = self._one_line(members[-1].value_start, members[-1].value_end)
        text = self._member_text(container, parts[-1] if is_object else None, value, indent, one_line)
        if position is None or position >= len(members):
            return Edit(members[-1].value_end, members[-1].value_end, separator + text)
        return Edit(members[position].start, members[position].start, text + separator)

    def _separator(self, container: _Container) -> str:
        members = container.members
        if len(members) >= 2:
            return self.text[members[0].value_end : members[1].start]
        before = self.text[container.start + 1 : members[0].start]
        return "," + (before or (" " if ", " in self.text else ""))  # one member: the document's habit

    def _member_text(self, container: _Container, key: str | None, value: Any, indent: str, one_line: bool) -> str:
        rendered = self.render(value, indent, one_line)
        if key is None:
            return rendered
        first = container.members[0]
        colon = self.text[self._key_end(first) : first.value_start] if isinstance(first.key, str) else ": "
        return json.dumps(key, ensure_ascii=False) + colon + rendered

    def _key_end(self, member: _Member) -> int:
        return int(scanstring(self.text, member.start + 1)[1])

    def _first_member(self, container: _Container, key: str | None, value: Any) -> Edit:
        """An empty container gets its first member laid out as the document lays out others."""
        whole: Any = {key: value} if key is not None else [value]
        return Edit(container.start, container.close + 1, self.render(whole, indentation(self.text, container.start)))

    def _one_line(self, start: int, end: int) -> bool:
        """Whether the value at [start, end) is a container written on one line: the new
        value is written the same way."""
        return self.text[start] in "[{" and "\n" not in self.text[start:end] and "\r" not in self.text[start:end]

    def render(self, value: Any, indent: str, one_line: bool = False) -> str:
        """The value's JSON text, continuation lines indented from the line it starts on."""
        if one_line or not self._pretty or not isinstance(value, (dict, list)) or not value:
            return json.dumps(value, ensure_ascii=False, separators=self._separators)
        text = json.dumps(value, ensure_ascii=False, indent=self._unit)
        return text.replace("\n", self._newline + indent)


def _index_of(members: tuple[_Member, ...], part: str) -> int:
    for i, member in enumerate(members):
        if str(member.key) == part:
            return i
    raise EditRefused(f"no such member {part!r}", members[0].start if members else 0)

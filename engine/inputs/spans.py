"""Where a located value ends: the end of the range an editor underlines (`wxcc-policy
lsp`), from the start offset the readers record (docs/editors.md).

JSON is scanned from the start offset over one value (strings with their escapes, nested
brackets); YAML uses the composed node's end mark, without the line breaks and comments
a block collection's end mark runs over.
"""

from __future__ import annotations

import re

import yaml

from wxcc_policy.inputs.pointers import split_pointer
from wxcc_policy.inputs.yaml_reader import node_at

_JSON_STRING = re.compile(r'"(?:[^"\\\n]|\\.)*"?')
_JSON_SCALAR = re.compile(r"[^\s,\]}:]*")
_OPENERS = {"{": "}", "[": "]"}


def json_value_end(text: str, start: int) -> int:
    """The offset just after the JSON value (or member name) that starts at `start`."""
    if start >= len(text):
        return start
    first = text[start]
    if first == '"':
        match = _JSON_STRING.match(text, start)
        return match.end() if match else start + 1
    if first in _OPENERS:
        return _bracket_end(text, start)
    match = _JSON_SCALAR.match(text, start)
    return max(match.end() if match else start, start + 1)


def _bracket_end(text: str, start: int) -> int:
    """Past the bracket that closes the one at `start`, skipping strings, without recursion
    (a hostile document may nest deeply); the end of the text when it never closes."""
    depth, i, n = 0, start, len(text)
    while i < n:
        char = text[i]
        if char == '"':
            match = _JSON_STRING.match(text, i)
            i = match.end() if match else i + 1
            continue
        if char in "{[":
            depth += 1
        elif char in "}]":
            depth -= 1
            if depth == 0:
                return i + 1
        i += 1
    return n


def yaml_value_end(text: str, root: yaml.Node | None, pointer: str, start: int) -> int:
    """The end of the YAML node `pointer` names (or of its deepest existing ancestor)."""
    if root is None:
        return _line_end(text, start)
    end = int(node_at(root, split_pointer(pointer)).end_mark.index)
    end = before_trailing_blank(text, start, end)
    return end if end > start else _line_end(text, start)


def before_trailing_blank(text: str, start: int, end: int) -> int:
    """A block collection's end mark is at the next token: step back over the blank lines
    and comment lines before it, so the range ends on the value's last character (also
    where a fix's text edit of the value ends: inputs/yaml_edits.py)."""
    lines = text[start:end].splitlines(keepends=True)
    while len(lines) > 1 and (not lines[-1].strip() or lines[-1].lstrip().startswith("#")):
        lines.pop()
    return start + len("".join(lines).rstrip())


def _line_end(text: str, start: int) -> int:
    newline = text.find("\n", start)
    return len(text) if newline < 0 else newline

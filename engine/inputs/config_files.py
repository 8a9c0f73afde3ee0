"""YAML files the tool is configured with (policies, libraries, configuration, tests).

Every error in them is reported as `file:line:column: message` (exit code 2).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, NamedTuple

import yaml

from wxcc_policy.errors import InputError, UsageError
from wxcc_policy.inputs.file_bytes import byte_position, decode_utf8, read_regular_file, shown_path
from wxcc_policy.inputs.json_reader import parse_json
from wxcc_policy.inputs.positions import line_column
from wxcc_policy.inputs.yaml_reader import node_at, parse_yaml


class YamlFile(NamedTuple):
    path: str
    text: str
    raw: bytes
    data: Any
    root: yaml.Node | None

    def where(self, parts: tuple[str | int, ...] = (), offset: int | None = None) -> str:
        """`path:line:column` of the value at `parts`, or of character `offset` inside it."""
        node = self._node(parts)
        index = 0 if node is None else node.start_mark.index
        if node is not None and offset is not None and isinstance(node, yaml.ScalarNode):
            index = _scalar_offset(self.text, node, offset)
        line, column = line_column(self.text, index)
        return f"{self.path}:{line}:{column}"

    def _node(self, parts: tuple[str | int, ...]) -> yaml.Node | None:
        return None if self.root is None else node_at(self.root, tuple(str(p) for p in parts))


def read_yaml_file(path: Path, shown: str | None = None) -> YamlFile:
    shown = shown or shown_path(path)
    try:
        raw = read_regular_file(path)  # noted as read: an output never overwrites it
    except OSError as exc:
        raise UsageError(f"cannot read: {exc.strerror}", shown) from None
    text = ""
    try:
        text = decode_utf8(raw)
        if path.suffix.lower() == ".json":  # JSON is YAML, but its errors are said in JSON's words
            parse_json(text)
        data, root = parse_yaml(text)
    except InputError as exc:
        line, column = line_column(text, exc.offset) if text else byte_position(exc)
        raise UsageError(exc.message, f"{shown}:{line}:{column}") from None
    if not isinstance(data, dict):
        raise UsageError("expected a mapping at the top level", f"{shown}:1:1")
    return YamlFile(shown, text, raw, data, root)


def _scalar_offset(text: str, node: yaml.ScalarNode, offset: int) -> int:
    """Map a character offset in a scalar's value to the source: count the non-blank
    characters before it, since folding and indentation only change white space."""
    start, end = node.start_mark.index, node.end_mark.index
    if node.style in ("|", ">"):
        start = text.find("\n", start, end) + 1
    elif node.style in ("'", '"'):
        start += 1
    wanted = sum(1 for c in node.value[:offset] if not c.isspace())
    i = start
    while i < end:
        if not text[i].isspace():
            if wanted == 0:
                return i
            wanted -= 1
        i += 1
    return start

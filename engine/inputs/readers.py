"""The formats a snapshot may be written in: one reader per file suffix.

A reader turns a file's text into its value and a locator (JSON Pointer segments to
character offsets) and raises InputError with an offset. A new input format is a module
with such a function and one line in READERS; discovery, messages and standard input
follow from the table.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, NamedTuple, Protocol

from wxcc_policy.inputs.json_reader import read_json
from wxcc_policy.inputs.yaml_reader import read_yaml


class Locator(Protocol):
    def offset(self, parts: tuple[str, ...]) -> int: ...


class Reader(NamedTuple):
    name: str
    read: Callable[[str], tuple[Any, Locator]]


JSON = Reader("JSON", read_json)
YAML = Reader("YAML", read_yaml)

READERS: dict[str, Reader] = {
    ".json": JSON,
    ".yaml": YAML,
    ".yml": YAML,
}
DOCUMENT_SUFFIXES = tuple(READERS)


def reader_for(suffix: str) -> Reader:
    """The reader of a file name's suffix (any case); a file named on the command line with
    another suffix is read as JSON."""
    return READERS.get(suffix.lower(), JSON)


def sniffed_reader(text: str) -> Reader:
    """Standard input has no suffix: a document that opens with `{` or `[` is JSON."""
    return JSON if text.lstrip("\ufeff \t\r\n").startswith(("{", "[")) else YAML


def suffix_patterns(separator: str = ", ") -> str:
    """`*.json, *.yaml, *.yml`: the suffixes a directory is searched for, for messages."""
    return separator.join(f"*{suffix}" for suffix in READERS)

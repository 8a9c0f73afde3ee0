"""The reader registry of inputs/readers.py: a new input format is one function and one line
in READERS, and discovery, reading and the messages follow from the table."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from conftest import minimal_snapshot, run_cli

from wxcc_policy.errors import InputError
from wxcc_policy.inputs import readers
from wxcc_policy.inputs.documents import Document, read_document


class _FlatLocator:
    def offset(self, parts: tuple[str, ...]) -> int:
        return 0


def _read_json_lines(text: str) -> tuple[Any, _FlatLocator]:
    """A toy format: the snapshot's JSON after a `#!` line."""
    first, _, rest = text.partition("\n")
    if first != "#!snapshot":
        raise InputError("expected a #!snapshot line", 0)
    return json.loads(rest), _FlatLocator()


@pytest.fixture
def toy_format(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(readers.READERS, ".snap", readers.Reader("toy", _read_json_lines))


def test_the_builtin_readers_by_suffix() -> None:
    assert readers.reader_for(".JSON") is readers.JSON
    assert readers.reader_for(".yml") is readers.reader_for(".yaml") is readers.YAML
    assert readers.reader_for(".txt") is readers.JSON  # a file named on the command line
    assert readers.sniffed_reader(' \n{"a": 1}') is readers.JSON
    assert readers.sniffed_reader("a: 1") is readers.YAML
    assert readers.suffix_patterns() == "*.json, *.yaml, *.yml"


def test_a_registered_reader_reads_a_named_file(toy_format: None, tmp_path: Path) -> None:
    path = tmp_path / "tenant.snap"
    path.write_text("#!snapshot\n" + json.dumps({"a": [1]}))
    document = read_document(path)
    assert isinstance(document, Document) and document.data == {"a": [1]}
    path.write_text("no header\n{}")
    failure = read_document(path)
    assert not isinstance(failure, Document) and (failure.message, failure.line) == ("expected a #!snapshot line", 1)


def test_a_registered_reader_is_found_under_a_directory(toy_format: None, runner: Any, tmp_path: Path) -> None:
    (tmp_path / "tenant.snap").write_text("#!snapshot\n" + json.dumps(minimal_snapshot()))
    (tmp_path / "notes.txt").write_text("not a snapshot")
    code, out, err = run_cli(runner, "check", str(tmp_path))
    assert code == 0 and out.splitlines()[-1] == "1 file checked: 0 errors, 1 warning, 0 info. Passed.", (out, err)
    assert out.startswith(f"{tmp_path / 'tenant.snap'}:1:1: warning WXCC-ACC-002 ")  # the toy locator puts all at 1:1

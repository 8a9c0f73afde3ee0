"""`fix --in-place` at its core (outputs/in_place.py): a snapshot file edited where its
values are. The bytes outside the fixed spans are compared with a diff of the files."""

from __future__ import annotations

import difflib
import os
import stat
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from conftest import EXAMPLES

from wxcc_policy.errors import UsageError
from wxcc_policy.inputs.text_edits import TextEdit
from wxcc_policy.outputs import in_place
from wxcc_policy.outputs.in_place import edit_in_place


@dataclass(frozen=True)
class Op:
    op: str
    path: str
    value: Any = None


def changed_ranges(before: str, after: str) -> list[tuple[int, int]]:
    """Where `after` differs from `before`, as ranges of `before` (a character diff)."""
    matcher = difflib.SequenceMatcher(None, before, after, autojunk=False)
    return [(i1, i2) for tag, i1, i2, _, _ in matcher.get_opcodes() if tag != "equal"]


def assert_only_within(before: str, after: str, spans: list[str]) -> None:
    """Every difference lies inside one of the given pieces of `before` (each found once)."""
    places = []
    for piece in spans:
        assert before.count(piece) == 1, piece
        start = before.index(piece)
        places.append((start, start + len(piece)))
    for i1, i2 in changed_ranges(before, after):
        assert any(s <= i1 and i2 <= e for s, e in places), (before[i1:i2], after)


YAML_BLOCK = """\
# Acme: users and their subscriptions
snapshotVersion: "1"
users:          # agents first
  - id: u-1
    subscriptionId: Sub-1   # expired in October
  - id: u-2
    subscriptionId: Sub-2

subscriptions:
  - {id: Sub-1, status: active}     # flow style inside block
  - id: Sub-2
    status: active
"""


def _write(tmp_path: Path, name: str, text: str, mode: int = 0o640) -> Path:
    path = tmp_path / name
    path.write_bytes(text.encode("utf-8"))
    path.chmod(mode)
    return path


def test_yaml_block_flow_and_comments_change_only_the_fixed_spans(tmp_path: Path) -> None:
    path = _write(tmp_path, "tenant.yaml", YAML_BLOCK)
    edit_in_place(path, [Op("replace", "/users/0/subscriptionId", "Sub-2"), Op("replace", "/subscriptions/0/status", "expired")])
    after = path.read_text(encoding="utf-8")
    assert after == YAML_BLOCK.replace("subscriptionId: Sub-1", "subscriptionId: Sub-2").replace("status: active}", "status: expired}")
    assert_only_within(YAML_BLOCK, after, ["Sub-1   #", "active}"])
    assert stat.S_IMODE(path.stat().st_mode) == 0o640


def test_add_and_remove_keep_the_rest_of_the_file(tmp_path: Path) -> None:
    path = _write(tmp_path, "tenant.yaml", YAML_BLOCK)
    edit_in_place(path, [Op("remove", "/users/1"), Op("add", "/subscriptions/1/endDate", "2027-01-31")])
    after = path.read_text(encoding="utf-8")
    assert after == YAML_BLOCK.replace("  - id: u-2\n    subscriptionId: Sub-2\n", "") + "    endDate: 2027-01-31\n"
    assert_only_within(YAML_BLOCK, after, ["  - id: u-2\n    subscriptionId: Sub-2\n", "status: active\n"])


def test_crlf_line_breaks_stay_crlf(tmp_path: Path) -> None:
    text = YAML_BLOCK.replace("\n", "\r\n")
    path = _write(tmp_path, "tenant.yaml", text)
    edit_in_place(path, [Op("add", "/users/-", {"id": "u-3", "subscriptionId": "Sub-2"})])
    raw = path.read_bytes()
    assert raw.count(b"\n") == raw.count(b"\r\n") == text.count("\r\n") + 2
    assert_only_within(text, raw.decode(), ["Sub-2\r\n\r\nsubscriptions"])


def test_json_keeps_its_layout_and_non_ascii_text(tmp_path: Path) -> None:
    text = (EXAMPLES / "acme-tenant.json").read_text(encoding="utf-8").replace('"email": "admin1', '"email": "zoë.admin1', 1)
    path = _write(tmp_path, "acme.json", text, 0o600)
    edit_in_place(path, [Op("replace", "/users/0/subscriptionId", "Sub-9")])
    after = path.read_text(encoding="utf-8")
    assert len(changed_ranges(text, after)) >= 1
    first_user = text.index('"subscriptionId"', text.index('"users"'))
    value_start = text.index('"', text.index(":", first_user))
    value_end = text.index('"', value_start + 1) + 1
    assert all(value_start <= i1 and i2 <= value_end for i1, i2 in changed_ranges(text, after))
    assert "zoë.admin1" in after and stat.S_IMODE(path.stat().st_mode) == 0o600


def test_a_byte_order_mark_is_kept(tmp_path: Path) -> None:
    path = tmp_path / "tenant.yaml"
    path.write_bytes(b"\xef\xbb\xbf" + YAML_BLOCK.encode())
    edit_in_place(path, [Op("replace", "/snapshotVersion", "2")])
    assert path.read_bytes().startswith(b"\xef\xbb\xbf# Acme") and b'snapshotVersion: "2"' in path.read_bytes()


def test_a_symbolic_link_is_followed_and_stays_a_link(tmp_path: Path) -> None:
    target = _write(tmp_path, "real.yaml", YAML_BLOCK)
    link = tmp_path / "link.yaml"
    link.symlink_to(target)
    edit_in_place(link, [Op("replace", "/users/1/id", "u-9")])
    assert link.is_symlink() and "id: u-9" in target.read_text()


def test_a_second_hard_link_is_refused(tmp_path: Path) -> None:
    path = _write(tmp_path, "tenant.yaml", YAML_BLOCK)
    os.link(path, tmp_path / "other-name.yaml")
    with pytest.raises(UsageError, match=r"2 hard links.*as a patch") as refused:
        edit_in_place(path, [Op("replace", "/snapshotVersion", "2")])
    assert refused.value.where == str(path)
    assert path.read_text() == YAML_BLOCK


def test_a_value_shared_through_an_alias_is_refused_where_it_is(tmp_path: Path) -> None:
    text = "snapshotVersion: '1'\ndefaults: &active {status: active}\nsubscriptions:\n  - *active\n"
    path = _write(tmp_path, "tenant.yaml", text)
    with pytest.raises(UsageError, match=r"YAML alias: not edited in place .*fix SNAPSHOT -o CHANGE.json") as refused:
        edit_in_place(path, [Op("replace", "/subscriptions/0/status", "expired")])
    assert refused.value.where == f"{path}:2:11"
    assert path.read_text() == text


def test_an_operation_on_nothing_is_refused(tmp_path: Path) -> None:
    path = _write(tmp_path, "tenant.yaml", YAML_BLOCK)
    with pytest.raises(UsageError, match="no value at /users/5") as refused:
        edit_in_place(path, [Op("replace", "/users/5/id", "x")])
    assert refused.value.where == f"{path}:4:3"  # the array, the nearest value there is
    assert path.read_text() == YAML_BLOCK


def test_an_edit_that_would_not_read_back_is_not_written(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The guard behind the edits: a wrong edit (here, one that forgets a quote) is caught by
    reading the result again, and the file is left as it was."""
    path = _write(tmp_path, "tenant.yaml", YAML_BLOCK)
    start = YAML_BLOCK.index("Sub-1")
    wrong = [TextEdit(start, start + 5, "true", 5, 21, 5, 26)]
    monkeypatch.setattr(in_place.SourceEditor, "edits", lambda self, operations: wrong)
    with pytest.raises(UsageError, match="would not read back as the patched snapshot; nothing written"):
        edit_in_place(path, [Op("replace", "/users/0/subscriptionId", "true")])
    assert path.read_text() == YAML_BLOCK


def test_no_operation_writes_nothing(tmp_path: Path) -> None:
    path = _write(tmp_path, "tenant.yaml", YAML_BLOCK)
    before = path.stat()
    edit_in_place(path, [])
    assert path.stat().st_ino == before.st_ino and path.stat().st_mtime_ns == before.st_mtime_ns


def test_standard_input_is_not_edited_in_place() -> None:
    with pytest.raises(UsageError, match="standard input cannot be edited in place"):
        edit_in_place(Path("<stdin>"), [Op("replace", "/snapshotVersion", "2")])


def test_an_edit_of_the_right_value_but_the_wrong_type_is_not_written(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """1.0 == 1 == true for Python, not for JSON: where an operation wrote, types count."""
    text = '{"snapshotVersion": "1", "quantity": 5}\n'
    path = _write(tmp_path, "tenant.json", text)
    start = text.index("5")
    wrong = [TextEdit(start, start + 1, "1.0", 1, start + 1, 1, start + 2)]
    monkeypatch.setattr(in_place.SourceEditor, "edits", lambda self, operations: wrong)
    with pytest.raises(UsageError, match="would not read back as the patched snapshot"):
        edit_in_place(path, [Op("replace", "/quantity", 1)])
    assert path.read_text() == text

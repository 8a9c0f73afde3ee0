"""`--save-responses DIR` and `--from-responses DIR`: every API answer kept as it came
(less the token, should a server echo it), and read back to rebuild the same snapshot.

One JSON Lines file per org (`<org>.responses.jsonl`, and `partner.responses.jsonl` for
the partner's listing): a first line saying when and from where, then one line per
request. `.jsonl` is not a snapshot suffix: `check` and `report` of the directory skip it."""

from __future__ import annotations

import json
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from wxcc_policy.adapters.webex.client import Fetcher, Reply, shown
from wxcc_policy.adapters.webex.problems import ExportProblem
from wxcc_policy.inputs.files_read import note_read

SUFFIX = ".responses.jsonl"
PARTNER_FILE = "partner" + SUFFIX
FORMAT = "wxcc-policy webex responses 1"


@dataclass
class Recording:
    """The answers one org's export received, in the order they came."""

    header: dict[str, Any]
    exchanges: list[dict[str, Any]] = field(default_factory=list)

    def lines(self) -> str:
        rows = [{"format": FORMAT, **self.header}, *self.exchanges]
        return "".join(json.dumps(row, ensure_ascii=False, sort_keys=True) + "\n" for row in rows)


class Recorder:
    """A fetcher that passes requests on and keeps each answer in `recording`."""

    def __init__(self, inner: Fetcher, recording: Recording) -> None:
        self._inner = inner
        self.recording = recording
        self._lock = threading.Lock()

    def get(self, api: str, target: str) -> Reply:
        reply = self._inner.get(api, target)
        with self._lock:
            self.recording.exchanges.append(
                {"api": api, "target": target, "status": reply.status, "headers": reply.headers, "body": reply.body}
            )
        return reply


class Replay:
    """A fetcher answering from a saved recording; a request not in it is an error."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.header, self._answers = _read(path)

    def get(self, api: str, target: str) -> Reply:
        found = self._answers.get((api, target))
        if found is None:
            raise ExportProblem(
                f"GET {shown(api, target)} is not in the saved responses (saved with other options or another version?)",
                where=str(self.path),
            )
        return found


def write_recording(directory: Path, name: str, recording: Recording, write: Any) -> None:
    directory.mkdir(parents=True, exist_ok=True)
    write(directory / name, recording.lines())


def _read(path: Path) -> tuple[dict[str, Any], dict[tuple[str, str], Reply]]:
    note_read(path)
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as exc:
        raise ExportProblem(f"cannot read the saved responses: {getattr(exc, 'strerror', None) or exc}", where=str(path)) from None
    rows = [_row(path, number, line) for number, line in enumerate(lines, start=1)]
    if not rows or rows[0].get("format") != FORMAT:
        raise ExportProblem(f"not a file of saved responses (its first line names no {FORMAT!r})", where=f"{path}:1:1")
    answers = {(str(r["api"]), str(r["target"])): _reply(path, n, r) for n, r in enumerate(rows[1:], start=2)}
    return rows[0], answers


def _row(path: Path, number: int, line: str) -> dict[str, Any]:
    try:
        row = json.loads(line)
    except ValueError as exc:
        raise ExportProblem(f"not JSON: {exc}", where=f"{path}:{number}:1") from None
    if not isinstance(row, dict):
        raise ExportProblem("each line holds one JSON object", where=f"{path}:{number}:1")
    return row


def _reply(path: Path, number: int, row: dict[str, Any]) -> Reply:
    status, headers, body = row.get("status"), row.get("headers"), row.get("body")
    if not isinstance(status, int) or not isinstance(headers, dict) or not isinstance(body, str) or "api" not in row or "target" not in row:
        raise ExportProblem("a saved response needs api, target, status, headers and body", where=f"{path}:{number}:1")
    return Reply(status, {str(k): str(v) for k, v in headers.items()}, body)


def org_file(org: str) -> str:
    return f"{org}{SUFFIX}"

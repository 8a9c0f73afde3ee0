"""The customer's commercial records (`--commercial FILE`): what no public API gives.

CSV, one file per kind of record (named by its stem, `subscriptions.csv`, or as
`KIND=FILE`), or one YAML file with a list per kind. Columns are the snapshot's field
names; every value keeps the file:line:column it came from."""

from __future__ import annotations

import csv
import hashlib
import io
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from wxcc_policy.adapters.webex.problems import ExportProblem
from wxcc_policy.inputs.documents import Document, ParseFailure, read_document
from wxcc_policy.inputs.files_read import note_read

KINDS = ("subscriptions", "usage", "overages", "partners")
REQUIRED = {
    "subscriptions": ("id", "status", "createdAt", "startDate", "endDate", "licenseModel", "offer", "telephony"),
    "usage": ("period", "subscriptionId", "usageType", "quantity"),
    "overages": ("period", "subscriptionId", "usageType", "quantity"),
    "partners": ("id",),
}
OPTIONAL = {
    "subscriptions": ("termMonths", "deployment", "partnerId", "department"),
    "usage": (),
    "overages": (),
    "partners": ("tenantId", "name", "accessLevel", "grantedBy", "grantedAt", "ownsRelationship"),
}
NESTED = {"subscriptions": ("usageTypeAddedAt.",)}  # `usageTypeAddedAt.ivr` columns
INTEGERS = ("termMonths",)
NUMBERS = ("quantity",)


@dataclass(frozen=True)
class Value:
    value: Any
    where: str  # file:line:column


@dataclass
class Record:
    kind: str
    fields: dict[str, Value]
    where: str  # file:line:column of the record
    file: str  # the file's name, for provenance

    def get(self, name: str) -> Any:
        found = self.fields.get(name)
        return None if found is None else found.value


@dataclass
class Commercial:
    files: list[dict[str, str]] = field(default_factory=list)  # name and SHA-256 of each file
    records: dict[str, list[Record]] = field(default_factory=lambda: {k: [] for k in KINDS})

    def of(self, kind: str) -> list[Record]:
        return self.records[kind]


def read_commercial(specs: tuple[str, ...]) -> Commercial:
    found = Commercial()
    for spec in specs:
        kind, path = _kind_and_path(spec)
        raw = _raw(path)
        found.files.append({"file": path.name, "sha256": hashlib.sha256(raw).hexdigest()})
        records = _yaml_records(path) if kind is None else _csv_records(path, raw, kind)
        for record in records:
            found.records[record.kind].append(record)
    return found


def _kind_and_path(spec: str) -> tuple[str | None, Path]:
    head, sep, tail = spec.partition("=")
    if sep and head in KINDS:
        return head, Path(tail)
    path = Path(spec)
    if path.suffix.lower() in (".yaml", ".yml"):
        return None, path
    if path.stem in KINDS:
        return path.stem, path
    raise ExportProblem(f"which records does this CSV hold? Name it {', '.join(k + '.csv' for k in KINDS)}, or give KIND=FILE", where=spec)


def _raw(path: Path) -> bytes:
    note_read(path)  # so that -o never writes over it
    try:
        return path.read_bytes()
    except OSError as exc:
        raise ExportProblem(f"cannot read the commercial records: {exc.strerror or exc}", where=str(path)) from None


def _csv_records(path: Path, raw: bytes, kind: str) -> list[Record]:
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ExportProblem(f"not UTF-8 (byte {exc.start})", where=f"{path}:1:1") from None
    lines = text.splitlines()
    rows = list(csv.reader(io.StringIO(text)))
    if not rows:
        raise ExportProblem("empty: the first line names the columns", where=f"{path}:1:1")
    header = [h.strip() for h in rows[0]]
    _check_header(path, kind, header, lines[0] if lines else "")
    return [_csv_record(path, kind, header, row, number, lines) for number, row in _numbered(rows, text) if any(c.strip() for c in row)]


def _numbered(rows: list[list[str]], text: str) -> list[tuple[int, list[str]]]:
    """Each data row with its line number (a quoted cell may span lines)."""
    reader = csv.reader(io.StringIO(text))
    next(reader)
    numbered = []
    start = reader.line_num + 1
    for row in reader:
        numbered.append((start, row))
        start = reader.line_num + 1
    return numbered


def _check_header(path: Path, kind: str, header: list[str], line: str) -> None:
    known = set(REQUIRED[kind]) | set(OPTIONAL[kind])
    columns = _columns(line)
    for index, name in enumerate(header):
        if name not in known and not name.startswith(NESTED.get(kind, ("\0",))):
            where = f"{path}:1:{columns[index] if index < len(columns) else 1}"
            raise ExportProblem(f"unknown column {name!r} for {kind} (columns: {', '.join(sorted(known))})", where=where)


def _csv_record(path: Path, kind: str, header: list[str], row: list[str], number: int, lines: list[str]) -> Record:
    columns = _columns(lines[number - 1] if number - 1 < len(lines) else "")
    fields = {}
    for index, cell in enumerate(row[: len(header)]):
        if cell.strip():
            where = f"{path}:{number}:{columns[index] if index < len(columns) else 1}"
            fields[header[index]] = Value(_typed(header[index], cell.strip(), where), where)
    return Record(kind, fields, f"{path}:{number}:1", path.name)


def _columns(line: str) -> list[int]:
    """The 1-based column where each cell of a CSV line starts."""
    starts, quoted = [1], False
    for offset, char in enumerate(line):
        if char == '"':
            quoted = not quoted
        elif char == "," and not quoted:
            starts.append(offset + 2)
    return starts


def _typed(name: str, text: str, where: str) -> Any:
    if name in INTEGERS:
        try:
            return int(text)
        except ValueError:
            raise ExportProblem(f"{name} must be a whole number, not {text!r}", where=where) from None
    if name in NUMBERS:
        try:
            number = float(text)
        except ValueError:
            raise ExportProblem(f"{name} must be a number, not {text!r}", where=where) from None
        return int(number) if number.is_integer() and "." not in text else number
    return text


def _yaml_records(path: Path) -> list[Record]:
    document = read_document(path)
    if isinstance(document, ParseFailure):
        raise ExportProblem(document.message, where=f"{document.path}:{document.line}:{document.column}")
    data = document.data
    if not isinstance(data, dict) or set(data) - set(KINDS):
        raise ExportProblem(f"a YAML file of commercial records is a mapping of {', '.join(KINDS)}", where=f"{path}:1:1")
    return [record for kind in KINDS for record in _yaml_kind(document, kind, data.get(kind) or [])]


def _yaml_kind(document: Document, kind: str, items: Any) -> list[Record]:
    if not isinstance(items, list) or not all(isinstance(i, dict) for i in items):
        raise ExportProblem(f"{kind} must be a list of mappings", where=_at(document, f"/{kind}"))
    return [_yaml_record(document, kind, index, item) for index, item in enumerate(items)]


def _yaml_record(document: Document, kind: str, index: int, item: dict[str, Any]) -> Record:
    known = set(REQUIRED[kind]) | set(OPTIONAL[kind])
    fields = {}
    for name, value in _flat(item):
        where = _at(document, f"/{kind}/{index}/{name.replace('.', '/')}")
        if name not in known and not name.startswith(NESTED.get(kind, ("\0",))):
            raise ExportProblem(f"unknown field {name!r} for {kind}", where=where)
        if value is not None:
            fields[name] = Value(_typed(name, str(value), where) if name in INTEGERS + NUMBERS else value, where)
    return Record(kind, fields, _at(document, f"/{kind}/{index}"), Path(document.path).name)


def _flat(item: dict[str, Any]) -> list[tuple[str, Any]]:
    flat: list[tuple[str, Any]] = []
    for name, value in item.items():
        if isinstance(value, dict):
            flat.extend((f"{name}.{k}", v) for k, v in value.items())
        else:
            flat.append((str(name), value))
    return flat


def _at(document: Document, pointer: str) -> str:
    position = document.positions([pointer])[pointer]
    return f"{document.path}:{position.line}:{position.column}"


def template(subscription_ids: list[str]) -> str:
    """The subscriptions CSV skeleton: every column, one row per subscription found."""
    columns = [*REQUIRED["subscriptions"], *OPTIONAL["subscriptions"]]
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(columns)
    for sub in subscription_ids:
        writer.writerow([sub, *[""] * (len(columns) - 1)])
    return out.getvalue()

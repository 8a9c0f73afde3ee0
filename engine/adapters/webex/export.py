"""The export: one org (`--org`) or every customer of a partner (`--partner`), live or
from saved responses; the snapshot validated before it is written."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from wxcc_policy.adapters.webex import archive
from wxcc_policy.adapters.webex.commercial import Commercial, template
from wxcc_policy.adapters.webex.fetch import OrgData, gather
from wxcc_policy.adapters.webex.ids import admin_id, bare_id, is_uuid
from wxcc_policy.adapters.webex.mapping import Built, Context, build, subscription_ids
from wxcc_policy.adapters.webex.pages import Api
from wxcc_policy.adapters.webex.problems import ExportProblem
from wxcc_policy.errors import LocatedError
from wxcc_policy.validation.schemas import violations

DEFAULT_API_BASE = "https://webexapis.com/v1"
DEFAULT_REGION = "us1"
REGIONS = ("us1", "eu1", "eu2", "anz1", "ca1", "jp1", "sg1")
DEFAULT_MAX_RATE = 270.0  # requests a minute per API: under the Contact Center's documented 300


def cc_base_for(region: str) -> str:
    return f"https://api.wxcc-{region}.cisco.com"


@dataclass(frozen=True)
class ExportRequest:
    """What `export webex` was asked (commands/export.py parses the options into it)."""

    org: str | None = None
    partner: bool = False
    output: str | None = None
    out_dir: str | None = None
    fmt: str | None = None
    commercial: tuple[str, ...] = ()
    commercial_template: str | None = None
    save_responses: str | None = None
    from_responses: str | None = None
    token: str = field(default="", repr=False)
    api_base_url: str = DEFAULT_API_BASE
    cc_base_url: str = cc_base_for(DEFAULT_REGION)
    max_rate: float = DEFAULT_MAX_RATE
    timeout: float = 30.0
    retries: int = 5
    jobs: int = 4

    @property
    def bases(self) -> dict[str, str]:
        return {"admin": self.api_base_url.rstrip("/"), "cc": self.cc_base_url.rstrip("/")}


@dataclass
class Io:
    """How the export reaches the outside: writing files, saying things, progress."""

    write: Callable[[Path, str], None]
    say: Callable[[str], None]
    now: Callable[[], str]  # the capture instant of an org's export (SOURCE_DATE_EPOCH honoured)
    progress: Callable[[int, int], None] | None = None
    exporter: str = field(default_factory=lambda: f"wxcc-policy {_version()} export webex")


@dataclass
class Session:
    """One org's export: its fetcher, the instant it was taken, and its recording."""

    api: Api
    captured_at: str
    token_org: str
    recorder: archive.Recorder | None = None
    person_id: str = ""  # the token's person (a partner's listing asks for the orgs it manages)


def export_single(request: ExportRequest, io: Io, commercial: Commercial) -> int:
    client = None if request.from_responses else _live(request)
    try:
        session = _single_session(request, io, client)
        result = export_org(request, io, commercial, session, _org_ids(request.org or ""))
    finally:
        _finish(client, io)
    for line in result.messages:
        io.say(line)
    if result.used is not None:
        _unused_rows(commercial, result.used, io)
    if result.text is not None:
        _write_snapshot(request, io, request.commercial_template or request.output, result.text)
    return result.code


def _single_session(request: ExportRequest, io: Io, client: Any) -> Session:
    if request.from_responses:
        org = _org_ids(request.org or "")[1]
        return replay_session(Path(request.from_responses) / archive.org_file(org))
    api = Api(client, request.bases)
    token_org = bare_id(str(api.one("admin", "/people/me").get("orgId", "")))
    return live_session(request, io, client, token_org, _org_ids(request.org or "")[1])


def live_session(request: ExportRequest, io: Io, client: Any, token_org: str, org_uuid: str) -> Session:
    captured_at = io.now()
    fetcher: Any = client
    recorder = None
    if request.save_responses:
        header = {
            "capturedAt": captured_at,
            "apiBaseUrl": request.bases["admin"],
            "contactCenterBaseUrl": request.bases["cc"],
            "org": org_uuid,
            "tokenOrg": token_org,
        }
        recorder = archive.Recorder(client, archive.Recording(header))
        fetcher = recorder
    return Session(Api(fetcher, request.bases), captured_at, token_org, recorder)


def replay_session(path: Path) -> Session:
    replay = archive.Replay(path)
    header = replay.header
    bases = {"admin": str(header.get("apiBaseUrl", "")), "cc": str(header.get("contactCenterBaseUrl", ""))}
    return Session(
        Api(replay, bases), str(header.get("capturedAt", "")), str(header.get("tokenOrg", "")), None, str(header.get("personId", ""))
    )


@dataclass
class OrgResult:
    org: str
    code: int
    messages: list[str]
    text: str | None = None  # the snapshot (or template) to write
    used: set[int] | None = None  # the commercial records it used (not the whole build: memory)


def export_org(request: ExportRequest, io: Io, commercial: Commercial, session: Session, org: tuple[str, str]) -> OrgResult:
    """One org, from its answers to its snapshot text; never raises for the org's own problems."""
    try:
        data = gather(session.api, org[0], org[1], session.token_org)
    except LocatedError as exc:
        return OrgResult(org[1], int(getattr(exc, "exit_code", 2)), [f"error: {exc}"])
    finally:
        _save(request, io, session, org[1])
    if request.commercial_template:
        return OrgResult(org[1], 0, [], template(subscription_ids(data)))
    return _snapshot_result(request, io, commercial, session, data)


def _snapshot_result(request: ExportRequest, io: Io, commercial: Commercial, session: Session, data: OrgData) -> OrgResult:
    context = Context(session.captured_at, io.exporter, session.api.bases, not request.partner)
    built = build(data, commercial, context)
    messages = [f"warning: {w}" for w in [*data.warnings, *built.warnings]]
    problems = built.errors or _schema_problems(built)
    if problems:
        return OrgResult(data.org_uuid, 1, [*messages, *(f"error: {p}" for p in problems)], used=built.used)
    return OrgResult(data.org_uuid, 0, messages, serialized(built.snapshot, _format(request)), built.used)


def _schema_problems(built: Built) -> list[ExportProblem]:
    found = []
    for violation in violations("snapshot", built.snapshot):
        where = next((built.origins[p] for p in _ancestors(violation.pointer) if p in built.origins), "")
        found.append(ExportProblem(f"{violation.pointer or '/'}: {violation.message}", where=where or "exported snapshot"))
    return found


def _ancestors(pointer: str) -> list[str]:
    parts = pointer.split("/")
    return ["/".join(parts[:n]) for n in range(len(parts), 1, -1)]


def _save(request: ExportRequest, io: Io, session: Session, org: str) -> None:
    if session.recorder is not None and request.save_responses:
        archive.write_recording(Path(request.save_responses), archive.org_file(org), session.recorder.recording, io.write)


def _org_ids(given: str) -> tuple[str, str]:
    """(Admin API id, UUID) of an org given either way."""
    uuid = bare_id(given)
    return (admin_id("ORGANIZATION", uuid) if is_uuid(given) else given), uuid


def _live(request: ExportRequest) -> Any:
    from wxcc_policy.adapters.webex.client import LiveClient

    return LiveClient(request.bases, request.token, request.max_rate, request.timeout, request.retries)


def _finish(client: Any, io: Io) -> None:
    if client is not None:
        client.close()


def _unused_rows(commercial: Commercial, used: set[int], io: Io) -> None:
    for kind, records in commercial.records.items():
        for record in records:
            if id(record) not in used:
                io.say(f"warning: {record.where}: {kind} row not used: no Contact Center subscription or org the API shows matches it")


def _format(request: ExportRequest) -> str:
    if request.fmt:
        return request.fmt
    return "yaml" if request.output and Path(request.output).suffix.lower() in (".yaml", ".yml") else "json"


def serialized(snapshot: dict[str, Any], fmt: str) -> str:
    if fmt == "yaml":
        import yaml

        return str(yaml.safe_dump(snapshot, sort_keys=False, allow_unicode=True, width=1000))
    return json.dumps(snapshot, indent=2, ensure_ascii=False) + "\n"


def _write_snapshot(request: ExportRequest, io: Io, output: str | None, text: str) -> None:
    io.write(Path(output) if output and output != "-" else Path("-"), text)


def _version() -> str:
    from wxcc_policy import __version__

    return __version__

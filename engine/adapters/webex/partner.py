"""`--partner --out-dir DIR`: every customer org the token's partner admin manages, one
snapshot per org (`<org UUID>.json`), orgs exported concurrently within the shared rate
limit. One org's failure is reported and never loses the others."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

from wxcc_policy.adapters.webex import archive
from wxcc_policy.adapters.webex.commercial import Commercial, template
from wxcc_policy.adapters.webex.export import (
    ExportRequest,
    Io,
    OrgResult,
    Session,
    _finish,
    _live,
    _unused_rows,
    export_org,
    live_session,
    replay_session,
)
from wxcc_policy.adapters.webex.ids import bare_id
from wxcc_policy.adapters.webex.pages import Api, target
from wxcc_policy.adapters.webex.scopes import refusal, server_message

ALREADY_HAS_ALL = "already has access to all customers"


def export_partner(request: ExportRequest, io: Io, commercial: Commercial) -> int:
    client = None if request.from_responses else _live(request)
    try:
        listing = _listing_session(request, io, client)
        orgs = managed_orgs(listing.api, listing.token_org, listing.person_id)
        _save_listing(request, io, listing)
        results = _export_all(request, io, commercial, client, listing.token_org, orgs)
    finally:
        _finish(client, io)
    return _report(request, io, commercial, results)


def _listing_session(request: ExportRequest, io: Io, client: Any) -> Session:
    if request.from_responses:
        return replay_session(Path(request.from_responses) / archive.PARTNER_FILE)
    me = Api(client, request.bases).one("admin", "/people/me")
    session = live_session(request, io, client, bare_id(str(me.get("orgId", ""))), "partner")
    session.person_id = str(me.get("id", ""))
    if session.recorder is not None:
        session.recorder.recording.header["personId"] = session.person_id
    return session


def managed_orgs(api: Api, token_org: str, person: str) -> list[tuple[str, str]]:
    """(Admin API id, UUID) of each customer org, sorted by UUID. Partner full and
    read-only admins are refused `managedBy` ("already has access to all customers"):
    then every org the token sees, less the partner's own."""
    where = target("/partner/organizations", {"managedBy": person})
    reply = api.reply("admin", where)
    if reply.status < 400:
        body = reply.json("admin", where)
        items = body.get("items") if isinstance(body, dict) else None
        ids = [str(i.get("orgId", "")) for i in items if isinstance(i, dict)] if isinstance(items, list) else []
    elif ALREADY_HAS_ALL in server_message(reply.body).lower():
        ids = [str(i.get("id", "")) for i in api.link_pages("/organizations", {}, "items")]
    else:
        raise refusal("admin", where, reply)
    orgs = {bare_id(i): i for i in ids if i and bare_id(i) != token_org}
    return [(orgs[uuid], uuid) for uuid in sorted(orgs)]


def _save_listing(request: ExportRequest, io: Io, listing: Session) -> None:
    if listing.recorder is not None and request.save_responses:
        archive.write_recording(Path(request.save_responses), archive.PARTNER_FILE, listing.recorder.recording, io.write)


def _export_all(
    request: ExportRequest, io: Io, commercial: Commercial, client: Any, token_org: str, orgs: list[tuple[str, str]]
) -> list[OrgResult]:
    done = [0]
    lock = threading.Lock()

    def one(org: tuple[str, str]) -> OrgResult:
        result = _one_org(request, io, commercial, client, token_org, org)
        if result.text is not None and not request.commercial_template:
            _write(request, io, result)  # now: memory holds the orgs in progress, not the portfolio
            result.text = None
        with lock:
            done[0] += 1
            if io.progress is not None:
                io.progress(done[0], len(orgs))
        return result

    with ThreadPoolExecutor(max_workers=max(1, request.jobs)) as pool:
        return list(pool.map(one, orgs))  # in org order, whatever order they finish in


def _one_org(request: ExportRequest, io: Io, commercial: Commercial, client: Any, token_org: str, org: tuple[str, str]) -> OrgResult:
    try:
        if request.from_responses:
            session = replay_session(Path(request.from_responses) / archive.org_file(org[1]))
        else:
            session = live_session(request, io, client, token_org, org[1])
        return export_org(request, io, commercial, session, org)
    except Exception as exc:  # one org's failure, whatever it is, never loses the others
        return OrgResult(org[1], int(getattr(exc, "exit_code", 2)), [f"error: {org[1]}: {exc}"])


def _report(request: ExportRequest, io: Io, commercial: Commercial, results: list[OrgResult]) -> int:
    used: set[int] = set()
    for result in results:
        for line in result.messages:
            io.say(line if result.org in line else line.replace(": ", f": {result.org}: ", 1))
        used |= result.used or set()
    if request.commercial_template:
        _write_template(request, io, results)
    else:
        _unused_rows(commercial, used, io)
    failed = [r.org for r in results if r.code]  # an org with errors wrote nothing
    written = len(results) - len(failed)
    io.say(
        f"{written} of {len(results)} org{'' if len(results) == 1 else 's'} exported" + (f"; failed: {', '.join(failed)}" if failed else "")
    )
    return max([0, *(r.code for r in results)])


def _write_template(request: ExportRequest, io: Io, results: list[OrgResult]) -> None:
    """One skeleton for all orgs: the header once, then every subscription found."""
    texts = [r.text.splitlines() for r in results if r.text]
    header = texts[0][:1] if texts else template([]).splitlines()
    rows = sorted({row for lines in texts for row in lines[1:]})
    io.write(Path(str(request.commercial_template)), "".join(line + "\n" for line in [*header, *rows]))


def _write(request: ExportRequest, io: Io, result: OrgResult) -> None:
    assert result.text is not None
    suffix = ".yaml" if request.fmt == "yaml" else ".json"
    out_dir = Path(request.out_dir or ".")
    out_dir.mkdir(parents=True, exist_ok=True)
    io.write(out_dir / f"{result.org}{suffix}", result.text)

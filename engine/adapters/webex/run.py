"""`export webex` as asked: the request checked, then one org (`--org`) or every customer
of a partner (`--partner`). Its own module so that the partner export can build on the
single one without an import cycle."""

from __future__ import annotations

from wxcc_policy.adapters.webex.commercial import read_commercial
from wxcc_policy.adapters.webex.export import ExportRequest, Io, export_single
from wxcc_policy.adapters.webex.partner import export_partner
from wxcc_policy.errors import LocatedError, UsageError


def export_webex(request: ExportRequest, io: Io) -> int:
    """Run the export; the exit code (0, 1: the data is wrong or incomplete, 2: it could not run)."""
    _check_request(request)
    try:
        commercial = read_commercial(request.commercial)
        if request.partner:
            return export_partner(request, io, commercial)
        return export_single(request, io, commercial)
    except LocatedError as exc:
        io.say(f"error: {exc}")
        return int(getattr(exc, "exit_code", 2))


def _check_request(request: ExportRequest) -> None:
    if request.partner == bool(request.org):
        raise UsageError("give exactly one of --org ORG_ID or --partner")
    if request.partner and not request.out_dir and not request.commercial_template:
        raise UsageError("--partner writes one snapshot per org: give --out-dir DIR")
    if not request.partner and request.out_dir:
        raise UsageError("--out-dir is for --partner; give -o FILE for one org")
    if request.from_responses and request.save_responses:
        raise UsageError("--from-responses reads saved responses; it cannot save them again")
    if not request.from_responses and not request.token:
        raise UsageError("no token: set WEBEX_ACCESS_TOKEN or give --token-file FILE")
    if not request.from_responses and not all(" " < c < "\x7f" for c in request.token):
        raise UsageError("the token has characters an HTTP header cannot carry (spaces, control or non-ASCII characters)")

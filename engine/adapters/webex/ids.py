"""Webex ids: the Admin API's are base64 of `ciscospark://us/KIND/<uuid>`, the Contact
Center API's are the bare UUID. Snapshots use the UUID, which joins the two."""

from __future__ import annotations

import base64
import binascii
import re

_UUID = re.compile(r"^[0-9a-fA-F]{8}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{12}$")


def bare_id(webex_id: str) -> str:
    """The UUID inside an Admin API id (`ciscospark://us/PEOPLE/<uuid>`), or the id as given."""
    decoded = _decoded(webex_id)
    if decoded is None or not decoded.startswith("ciscospark://"):
        return webex_id
    return decoded.rsplit("/", 1)[-1]


def decoded_path(webex_id: str) -> str:
    """The decoded `ciscospark://...` text of an Admin API id, or "" when it is not one."""
    decoded = _decoded(webex_id)
    return decoded if decoded is not None and decoded.startswith("ciscospark://") else ""


def admin_id(kind: str, uuid: str, region: str = "us") -> str:
    """The Admin API id of a UUID (`--org` may be given either way)."""
    raw = f"ciscospark://{region}/{kind}/{uuid}".encode()
    return base64.b64encode(raw).decode().rstrip("=")


def is_uuid(text: str) -> bool:
    return _UUID.match(text) is not None


def _decoded(webex_id: str) -> str | None:
    if is_uuid(webex_id):
        return None
    padded = webex_id + "=" * (-len(webex_id) % 4)
    try:
        return base64.b64decode(padded, altchars=b"-_", validate=False).decode("utf-8")
    except (binascii.Error, UnicodeDecodeError, ValueError):
        return None

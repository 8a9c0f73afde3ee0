"""What each endpoint needs (docs/export.md), for the one line a 401 or 403 ends in."""

from __future__ import annotations

import json
import re
from typing import TYPE_CHECKING, Any

from wxcc_policy.adapters.webex.problems import ApiUnavailable

if TYPE_CHECKING:
    from wxcc_policy.adapters.webex.client import Reply

# (api, path pattern, scope, role): the first match names what a refused request lacked.
NEEDS: tuple[tuple[str, str, str, str], ...] = (
    ("admin", r"^/people/me", "spark:people_read", "any user"),
    ("admin", r"^/partner/organizations/[^/?]+/partnerAdmins", "spark-admin:organizations_read", "partner full administrator"),
    ("admin", r"^/partner/organizations", "spark-admin:organizations_read", "partner full or read-only administrator"),
    ("admin", r"^/organizations", "spark-admin:organizations_read", "full or read-only administrator"),
    ("admin", r"^/licenses", "spark-admin:licenses_read", "full or read-only administrator"),
    ("admin", r"^/people", "spark-admin:people_read", "full or read-only administrator"),
    ("admin", r"^/roles", "spark-admin:roles_read", "full or read-only administrator"),
    ("cc", r"^/organization/", "cjp:config_read", "Contact Center administrator"),
)


def needs(api: str, target: str) -> tuple[str, str]:
    for need_api, pattern, scope, role in NEEDS:
        if need_api == api and re.match(pattern, target):
            return scope, role
    return "the endpoint's read scope", "an administrator"


def refusal(api: str, target: str, reply: Reply) -> ApiUnavailable:
    """The one-line error for a 4xx answer (the token itself is never part of it)."""
    from wxcc_policy.adapters.webex.client import shown

    where = f"GET {shown(api, target)}"
    scope, role = needs(api, target)
    if reply.status == 401:
        return ApiUnavailable(
            "401 Unauthorized: the token was refused (expired, revoked or not a Webex access token);"
            " set a fresh one in WEBEX_ACCESS_TOKEN or --token-file",
            where=where,
        )
    if reply.status == 403:
        return ApiUnavailable(f"403 Forbidden: the token needs the scope {scope} and the role of a {role}", where=where)
    detail = server_message(reply.body)
    return ApiUnavailable(f"HTTP {reply.status}{': ' + detail if detail else ''}", where=where)


def server_message(body: str) -> str:
    """The server's own explanation (Admin API `message`, Contact Center `error.message`), shortened."""
    try:
        data: Any = json.loads(body)
    except ValueError:
        return ""
    if not isinstance(data, dict):
        return ""
    message = data.get("message")
    error = data.get("error")
    if message is None and isinstance(error, dict):
        parts = error.get("message")
        message = parts[0].get("description") if isinstance(parts, list) and parts and isinstance(parts[0], dict) else error.get("reason")
    text = " ".join(str(message).split()) if message is not None else ""
    return text[:200]

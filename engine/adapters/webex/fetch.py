"""What one org's export reads, request by request, in a fixed order (so that a replay
asks the same questions as the export it replays)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote

from wxcc_policy.adapters.webex.licenses import AGENT_TYPES, contact_center_licenses, usage_type
from wxcc_policy.adapters.webex.pages import Api, target
from wxcc_policy.adapters.webex.scopes import refusal

PEOPLE_PAGE = 1000
LICENSE_USERS_PAGE = 300  # the API's maximum `limit`
CC_PAGE = 1000  # the Contact Center API lowers it to its own maximum, and pages on


@dataclass
class OrgData:
    """The raw answers an org's snapshot is built from."""

    org_id: str  # the Admin API's (base64) id
    org_uuid: str
    token_org: str  # the UUID of the org the token's user belongs to
    org: dict[str, Any]
    licenses: list[dict[str, Any]]
    license_users: dict[str, list[dict[str, Any]]]
    people: list[dict[str, Any]]
    roles: list[dict[str, Any]]
    cc_users: list[dict[str, Any]]
    profiles: list[dict[str, Any]]
    partner_admins: list[dict[str, Any]] | None
    warnings: list[str] = field(default_factory=list)


def gather(api: Api, org_id: str, org_uuid: str, token_org: str) -> OrgData:
    org = api.one("admin", f"/organizations/{quote(org_id, safe='')}")
    licenses = list(api.link_pages("/licenses", {"orgId": org_id}, "items"))
    return OrgData(
        org_id=org_id,
        org_uuid=org_uuid,
        token_org=token_org,
        org=org,
        licenses=licenses,
        license_users=_license_users(api, licenses),
        people=list(api.link_pages("/people", {"orgId": org_id, "max": PEOPLE_PAGE}, "items")),
        roles=list(api.link_pages("/roles", {}, "items")),
        cc_users=list(api.cc_pages(f"/organization/{quote(org_uuid, safe='')}/v2/user", CC_PAGE)),
        profiles=list(api.cc_pages(f"/organization/{quote(org_uuid, safe='')}/v3/user-profile", CC_PAGE)),
        partner_admins=_partner_admins(api, org_id) if token_org != org_uuid else None,
    )


def _license_users(api: Api, licenses: list[dict[str, Any]]) -> dict[str, list[dict[str, Any]]]:
    """Who holds each Contact Center agent license (paged by `next`/`limit`)."""
    found = {}
    for lic in contact_center_licenses(licenses):
        if usage_type(lic) in AGENT_TYPES:
            path = f"/licenses/{quote(str(lic['id']), safe='')}"
            found[str(lic["id"])] = list(api.link_pages(path, {"includeAssignedTo": "user", "limit": LICENSE_USERS_PAGE}, "users"))
    return found


def _partner_admins(api: Api, org_id: str) -> list[dict[str, Any]] | None:
    """The partner's people in the customer org; None when the token may not see them
    (a customer's own token: partners then come from the commercial records)."""
    where = target(f"/partner/organizations/{quote(org_id, safe='')}/partnerAdmins")
    reply = api.reply("admin", where)
    if reply.status in (403, 404):
        return None
    if reply.status >= 400:
        raise refusal("admin", where, reply)
    body = reply.json("admin", where)
    items = body.get("items", []) if isinstance(body, dict) else None
    return [i for i in items if isinstance(i, dict)] if isinstance(items, list) else []

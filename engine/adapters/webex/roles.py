"""Snapshot roles from the Contact Center user profile's `profileType` (docs/export.md),
and the Webex role that makes a person an administrator too."""

from __future__ import annotations

PROFILE_ROLES = {
    "ADMINISTRATOR": ("admin",),
    "ADMINISTRATOR_ONLY": ("admin",),
    "ANALYZER_ADMINISTRATOR": ("admin",),
    "SUPERVISOR": ("supervisor",),
    "ANALYZER_SUPERVISOR": ("supervisor",),
    "ANALYZER_USER": ("supervisor",),  # reporting only: the nearest snapshot role
    "PREMIUM_AGENT": ("agent",),
    "STANDARD_AGENT": ("agent",),
}
PROFILE_LICENSE = {"PREMIUM_AGENT": "premiumAgent", "STANDARD_AGENT": "standardAgent"}
ADMIN_ROLE_NAMES = frozenset({"Full Administrator"})
ROLE_ORDER = ("admin", "supervisor", "agent")


def ordered(roles: set[str]) -> list[str]:
    return [r for r in ROLE_ORDER if r in roles]


def partner_access(role_in_customer_org: str) -> str:
    """A partner admin's `roleInCustomerOrg` as a snapshot access level: full
    administrators give `full-admin`, every other role is read-only provisioning."""
    return "full-admin" if "full_admin" in role_in_customer_org.lower() else "provisioning-admin"

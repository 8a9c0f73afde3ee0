"""Which Webex licenses are Contact Center ones, and the usage type each counts for.

The Admin API has no license type: the rule reads the license's name, then the decoded
id's offer code (docs/export.md says where it fails)."""

from __future__ import annotations

import re
from typing import Any

from wxcc_policy.adapters.webex.ids import decoded_path

# Decoded license ids look like ciscospark://us/LICENSE/<org>/<CODE>_<subscription>.
_CODES = {"CJPPRM": "premiumAgent", "CJPSTD": "standardAgent", "CJPIVR": "ivr"}
_CODE = re.compile(r"/LICENSE/[^/]+/([A-Z]+)_")
# (words that must all appear in the lower-cased name, usage type), first match wins.
_NAMES: tuple[tuple[tuple[str, ...], str], ...] = (
    (("contact center", "premium"), "premiumAgent"),
    (("contact center", "standard"), "standardAgent"),
    (("contact center", "ivr"), "ivr"),
    (("contact center", "workforce"), "wfo"),
    (("contact center", "ai agent"), "aiAgent"),
    (("contact center", "ai assistant"), "aiAssistant"),
)
AGENT_TYPES = ("premiumAgent", "standardAgent")


def usage_type(license_: dict[str, Any]) -> str | None:
    """The usage type a license counts for, or None for a license of another product."""
    name = str(license_.get("name", "")).lower()
    for words, kind in _NAMES:
        if all(w in name for w in words):
            return kind
    code = _CODE.search(decoded_path(str(license_.get("id", ""))))
    return _CODES.get(code.group(1)) if code else None


def contact_center_licenses(licenses: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The Contact Center licenses that belong to a subscription, sorted by id."""
    found = [lic for lic in licenses if usage_type(lic) is not None and lic.get("subscriptionId") and lic.get("id")]
    return sorted(found, key=lambda lic: str(lic["id"]))

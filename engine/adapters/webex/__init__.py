"""`wxcc-policy export webex`: tenant snapshots from the Webex Admin and Contact Center
APIs and the customer's commercial records (docs/export.md)."""

from wxcc_policy.adapters.webex.export import ExportRequest
from wxcc_policy.adapters.webex.run import export_webex

__all__ = ["ExportRequest", "export_webex"]

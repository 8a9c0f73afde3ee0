"""wxcc-policy: policy-as-code validator for multi-subscription Webex Contact Center tenants."""

__version__ = "0.1.0"

"""The bundled schemas as published for editors and tools: their names, what each
describes, and the `$id` scheme (docs/editors.md).

An `$id` is `{SCHEMA_HOME}/v{version}/schemas/{name}.schema.json`: stable for a release,
and laid out as the repository's raw files at the release tag, so that publishing the
project means changing SCHEMA_HOME alone (docs/decisions.md).
"""

from __future__ import annotations

from importlib import resources

from wxcc_policy import __version__
from wxcc_policy.validation.schemas import bundled_names

SCHEMA_HOME = "https://wxcc-policy.invalid"  # no public host yet; docs/editors.md says what replaces it

# What each schema describes, in the order `wxcc-policy schema` lists them.
DESCRIBES = {
    "snapshot": "a tenant snapshot (JSON or YAML)",
    "change": "a planned change: a JSON Patch or a merge patch (`plan`)",
    "policy": "a policy file (policies/*.yaml)",
    "library": "a library file (kind: library)",
    "policy-test": "a policy test file (*.test.yaml)",
    "config": "the configuration (.wxcc-policy.yaml)",
    "waivers": "a waiver file (--waivers FILE)",
    "baseline": "a baseline (.wxcc-baseline.json)",
    "result": "check --format json",
    "report": "report --format json",
    "diff": "diff and plan --format json",
    "forecast": "forecast --format json",
    "explanation": "explain --format json",
}


def schema_id(name: str, version: str = __version__) -> str:
    return f"{SCHEMA_HOME}/v{version}/schemas/{name}.schema.json"


def published_names() -> list[str]:
    """Every bundled schema, described ones first in their order, then any other."""
    return [n for n in DESCRIBES if n in bundled_names()] + sorted(bundled_names() - set(DESCRIBES))


def schema_text(name: str) -> str:
    """The bundled schema's text, byte for byte as shipped (its `$id` already versioned)."""
    if name not in bundled_names():
        raise KeyError(name)
    return resources.files("wxcc_policy.schemas").joinpath(f"{name}.schema.json").read_text("utf-8")

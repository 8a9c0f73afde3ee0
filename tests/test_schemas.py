"""Our schemas are valid JSON Schema, checked with an independent implementation."""

from __future__ import annotations

import json

import jsonschema
import pytest
from conftest import ROOT

SCHEMAS = sorted((ROOT / "schemas").glob("*.schema.json"))


@pytest.mark.parametrize("path", SCHEMAS, ids=lambda p: p.name)
def test_schema_is_valid_against_its_metaschema(path) -> None:
    jsonschema.Draft202012Validator.check_schema(json.loads(path.read_text()))


def test_example_snapshots_are_valid() -> None:
    schema = json.loads((ROOT / "schemas" / "snapshot.schema.json").read_text())
    doc = json.loads((ROOT / "examples" / "tenants" / "acme-tenant.json").read_text())
    jsonschema.Draft202012Validator(schema, format_checker=jsonschema.FormatChecker()).validate(doc)


def test_schemas_count() -> None:
    assert {p.name for p in SCHEMAS} == {
        "snapshot.schema.json",
        "policy.schema.json",
        "library.schema.json",
        "config.schema.json",
        "result.schema.json",
        "policy-test.schema.json",
        "waivers.schema.json",
        "report.schema.json",
        "baseline.schema.json",
        "explanation.schema.json",
        "diff.schema.json",
        "forecast.schema.json",
    }

"""Our schemas are valid JSON Schema, checked with an independent implementation."""

from __future__ import annotations

import json
from typing import Any

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
        "change.schema.json",
    }


def test_deeper_than_finds_the_first_value_past_the_limit_as_a_depth_first_walk_would() -> None:
    """Level by level for speed, but the pointer is the depth-first one (and no recursion)."""
    import random

    from wxcc_policy.inputs.pointers import join_pointer
    from wxcc_policy.validation.schemas import deeper_than

    def reference(value: Any, limit: int, path: tuple[Any, ...] = ()) -> str | None:
        if len(path) > limit:
            return join_pointer(list(path))
        children = value.items() if isinstance(value, dict) else enumerate(value) if isinstance(value, list) else ()
        return next((p for k, c in children if (p := reference(c, limit, (*path, k))) is not None), None)

    rng = random.Random(7)

    def tree(depth: int) -> Any:
        pick = rng.random()
        if depth > 6 or pick < 0.3:
            return rng.choice([1, "x", None])
        if pick < 0.65:
            return [tree(depth + 1) for _ in range(rng.randint(0, 3))]
        return {str(i): tree(depth + 1) for i in range(rng.randint(0, 3))}

    for _ in range(500):
        value = tree(0)
        for limit in range(8):
            assert deeper_than(value, limit) == reference(value, limit)
    chain: list[Any] = []
    for _ in range(5000):  # far past the recursion limit
        chain = [chain]
    assert deeper_than(chain, 200) == "/0" * 201

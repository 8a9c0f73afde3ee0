"""Checking a policy parameter's value (a default, or one from a configuration or test file)
against the parameter's schema.

JSON Schema counts 1.0 as an integer; the policy language does not (`addDays(d, 1.0)`
is an error, and `1.0` renders as "1" but is a float). So on top of the schema, a
number where the schema asks only for integers must be written as an integer: the
mistake is reported at the value, when the file loads, not later inside a policy.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from wxcc_policy.errors import UsageError, did_you_mean
from wxcc_policy.inputs.config_files import YamlFile
from wxcc_policy.rules.model import Policy
from wxcc_policy.validation.schemas import user_schema_validator, violations_of


def parameter_values(policies: Sequence[Policy], values: dict[str, Any], file: YamlFile | None) -> dict[str, dict[str, Any]]:
    """Parameter values per policy id: defaults, overridden by `values` (from a configuration
    or a policy test file, where an unknown name or a bad value is located)."""
    declared = {p.name: p for policy in policies for p in policy.info.parameters}
    for name, value in values.items():
        where = file.where(("parameters", name)) if file else ""
        if name not in declared:
            raise UsageError(f"no loaded policy has a parameter {name!r}{did_you_mean(name, declared)}", where)
        for policy in policies:
            for param in policy.info.parameters:
                if param.name == name:
                    _check_value(param.schema, value, f"{name} (of {policy.info.id})", where)
    return {policy.info.id: {p.name: values.get(p.name, p.default) for p in policy.info.parameters} for policy in policies}


def _check_value(schema: dict[str, Any], value: Any, name: str, where: str) -> None:
    problem = parameter_problem(schema, value)
    if problem:
        raise UsageError(f"parameter {name}: {problem}", where)


def parameter_problem(schema: dict[str, Any], value: Any) -> str | None:
    """Why `value` does not fit `schema` (a valid JSON Schema), or None."""
    problems = violations_of(user_schema_validator(schema), value)
    if problems:
        where = f" at {problems[0].pointer}" if problems[0].pointer else ""
        return f"{problems[0].message}{where}"
    return _float_for_integer(schema, value, "")


def _float_for_integer(schema: Any, value: Any, pointer: str) -> str | None:
    """A float where the schema's `type` admits integers but not numbers, found by
    following `items`, `prefixItems`, `properties` and `additionalProperties`."""
    if not isinstance(schema, dict):
        return None
    if isinstance(value, float):
        declared = schema.get("type")
        types = {declared} if isinstance(declared, str) else set(declared or ())
        if "integer" in types and "number" not in types:
            at = f" at {pointer}" if pointer else ""
            return f"{value!r}{at} is not an integer: write it without a decimal point"
        return None
    for key, child, sub in _children(schema, value):
        problem = _float_for_integer(sub, child, f"{pointer}/{key}")
        if problem:
            return problem
    return None


def _children(schema: dict[str, Any], value: Any) -> list[tuple[Any, Any, Any]]:
    if isinstance(value, list):
        prefix = schema.get("prefixItems", [])
        return [(i, v, prefix[i] if i < len(prefix) else schema.get("items")) for i, v in enumerate(value)]
    if isinstance(value, dict):
        properties = schema.get("properties", {})
        return [(k, v, properties.get(k, schema.get("additionalProperties"))) for k, v in value.items()]
    return []

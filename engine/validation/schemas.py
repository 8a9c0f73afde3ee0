"""JSON Schema validation with jsonschema-rs (see docs/decisions.md for why).

Schemas ship inside the package and are read with importlib.resources.
"""

from __future__ import annotations

import json
from functools import cache
from importlib import resources
from typing import Any, NamedTuple

import jsonschema_rs

from wxcc_policy.errors import UsageError
from wxcc_policy.inputs.pointers import join_pointer, split_pointer
from wxcc_policy.inputs.yaml_files import YamlFile

_MAX_VALUE_TEXT = 60


class SchemaViolation(NamedTuple):
    pointer: str
    message: str


@cache
def load_schema(name: str) -> dict[str, Any]:
    text = resources.files("wxcc_policy.schemas").joinpath(f"{name}.schema.json").read_text("utf-8")
    schema: dict[str, Any] = json.loads(text)
    return schema


@cache
def validator(name: str) -> Any:
    return jsonschema_rs.Draft202012Validator(load_schema(name), validate_formats=True)


def violations(name: str, instance: Any) -> list[SchemaViolation]:
    return violations_of(validator(name), instance)


def violations_of(checker: Any, instance: Any) -> list[SchemaViolation]:
    if checker.is_valid(instance):
        return []
    found: dict[tuple[str, str], SchemaViolation] = {}
    for error in checker.iter_errors(instance):
        for v in _explain(error, instance):
            found.setdefault((v.pointer, v.message), v)
    return list(found.values())


def _explain(error: Any, instance: Any) -> list[SchemaViolation]:
    """Our own wording: jsonschema-rs messages embed the whole offending value, which
    can be megabytes (a top-level array) or customer data the reader did not ask for."""
    path = list(error.instance_path)
    pointer = join_pointer(path)
    kind = error.kind
    name = type(kind).__name__
    if name == "AdditionalProperties":
        return [SchemaViolation(join_pointer([*path, key]), f"unknown property {key!r}") for key in kind.unexpected]
    if name == "Required":
        return [SchemaViolation(pointer, f"missing required property {kind.property!r}")]
    value = _value_at(instance, path)
    shown = _short(value)
    messages = {
        "Type": lambda: f"{shown} is not of type {_types(kind.types)}",
        "Enum": lambda: f"{shown} is not one of {', '.join(json.dumps(o) for o in kind.options)}",
        "Constant": lambda: f"{shown} must be {json.dumps(kind.expected_value)}",
        "Pattern": lambda: f"{shown} does not match {kind.pattern}",
        "Format": lambda: f"{shown} is not a valid {kind.format}",
        "MinLength": lambda: f"{shown} is shorter than {kind.limit} character(s)",
        "MinItems": lambda: f"list has fewer than {kind.limit} item(s)",
        "Minimum": lambda: f"{shown} is less than the minimum of {kind.limit}",
        "Maximum": lambda: f"{shown} is greater than the maximum of {kind.limit}",
        "ExclusiveMinimum": lambda: f"{shown} must be greater than {kind.limit}",
        "AnyOf": lambda: f"{shown} is not valid under any of the allowed forms",
    }
    make = messages.get(name)
    return [SchemaViolation(pointer, make() if make else _short(error.message, 200))]


def _value_at(instance: Any, path: list[Any]) -> Any:
    for part in path:
        instance = instance[part]
    return instance


def _types(types: Any) -> str:
    names = [str(t).lower().split(".")[-1] for t in (types if isinstance(types, list) else [types])]
    return " or ".join(repr(n) for n in names)


def _short(value: Any, limit: int = _MAX_VALUE_TEXT) -> str:
    text = value if isinstance(value, str) and limit > _MAX_VALUE_TEXT else json.dumps(value, ensure_ascii=False)
    if isinstance(value, (list, dict)) and len(text) > limit:
        return "an array" if isinstance(value, list) else "an object"
    return text if len(text) <= limit else text[: limit - 1] + "…"


def check_file(file: YamlFile, schema: str) -> None:
    """A configuration-like YAML file against its schema: the first violation, located, ends the run."""
    problems = violations(schema, file.data)
    if problems:
        first = problems[0]
        field = f" (at {first.pointer})" if first.pointer else ""
        raise UsageError(f"{first.message}{field}", file.where(split_pointer(first.pointer)))

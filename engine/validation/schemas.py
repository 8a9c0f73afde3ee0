"""JSON Schema validation with jsonschema-rs (see docs/decisions.md for why).

Schemas ship inside the package and are read with importlib.resources.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from functools import cache
from importlib import resources
from typing import Any, NamedTuple

import jsonschema_rs

from wxcc_policy.errors import UsageError
from wxcc_policy.inputs.config_files import YamlFile
from wxcc_policy.inputs.pointers import join_pointer, split_pointer

_MAX_VALUE_TEXT = 60

# The snapshot schema's dates, timestamps and periods are in the years 0001 to 9000 (docs/
# decisions.md, "Extreme values"): a policy may move a date by centuries and stay in the
# calendar. The pattern that says so is long; its error says it in words too.
_YEARS_PATTERN = "(000[1-9]|00[1-9][0-9]|0[1-9][0-9]{2}|[1-8][0-9]{3}|9000)"


def _pattern_words(pattern: str) -> str:
    if _YEARS_PATTERN not in pattern:
        return f"does not match {pattern}"
    form = "date-time (RFC 3339)" if "[Tt ]" in pattern else "period (YYYY-MM)" if pattern.endswith("1[0-2])$") else "date (YYYY-MM-DD)"
    return f"is not a valid {form} in the years 0001 to 9000"


class SchemaViolation(NamedTuple):
    pointer: str
    message: str


_SUFFIX = ".schema.json"


@cache
def bundled_names() -> frozenset[str]:
    """The schemas shipped in the package, by name (`snapshot` for snapshot.schema.json)."""
    root = resources.files("wxcc_policy.schemas")
    return frozenset(e.name[: -len(_SUFFIX)] for e in root.iterdir() if e.name.endswith(_SUFFIX))


@cache
def load_schema(name: str) -> dict[str, Any]:
    """A bundled schema by name; only those: a name is never a path (`../x` is refused)."""
    if name not in bundled_names():
        raise FileNotFoundError(f"no bundled schema named {name!r}")
    text = resources.files("wxcc_policy.schemas").joinpath(f"{name}{_SUFFIX}").read_text("utf-8")
    schema: dict[str, Any] = json.loads(text)
    return schema


@cache
def validator(name: str) -> Any:
    return jsonschema_rs.Draft202012Validator(load_schema(name), validate_formats=True, formats=FORMATS, retriever=bundled_only)


def violations(name: str, instance: Any) -> list[SchemaViolation]:
    return violations_of(validator(name), instance)


def violations_of(checker: Any, instance: Any) -> list[SchemaViolation]:
    try:
        if checker.is_valid(instance):
            return []
        found: dict[tuple[str, str], SchemaViolation] = {}
        for error in checker.iter_errors(instance):
            for v in _explain(error, instance):
                found.setdefault((v.pointer, v.message), v)
    except ValueError:  # the validator cannot take the value in (nesting too deep for it)
        return [too_deep(instance)]
    return list(found.values())


MAX_DEPTH = 200  # as the readers' nesting limit (inputs/yaml_reader.py, json_reader.py)


def too_deep(instance: Any) -> SchemaViolation:
    """The first value nested deeper than MAX_DEPTH, found without recursion."""
    pointer = deeper_than(instance, MAX_DEPTH)
    if pointer is not None:
        return SchemaViolation(pointer, f"nesting is deeper than {MAX_DEPTH} levels")
    return SchemaViolation("", "the value cannot be validated (nesting too deep)")


def deeper_than(instance: Any, limit: int) -> str | None:
    """The JSON Pointer of the first value nested deeper than `limit`, found without
    recursion (a hostile document must not exhaust the stack), or None. Level by level
    first (one comprehension per level, cheap on a large document), then, only when too
    deep, depth first for the pointer."""
    level = [instance] if isinstance(instance, (dict, list)) else []  # the containers `depth` deep
    for _ in range(limit):
        level = [c for v in level for c in (v.values() if isinstance(v, dict) else v) if isinstance(c, (dict, list))]
    if not any(level):  # no container `limit` deep has a child: nothing is deeper
        return None
    stack: list[tuple[Any, tuple[Any, ...]]] = [(instance, ())]
    while stack:
        value, path = stack.pop()
        if len(path) > limit:
            return join_pointer(list(path))
        children = value.items() if isinstance(value, dict) else enumerate(value) if isinstance(value, list) else ()
        stack.extend((child, (*path, key)) for key, child in reversed(list(children)))
    return None


# Formats checked by Python's own rules, so that every value the schema admits can be
# computed with: RFC 3339 dates and date-times in the years 0001 to 9999 (in UTC), without
# leap seconds (`23:59:60` is valid RFC 3339, but no date library can represent it).
_DATE_TIME = re.compile(
    r"([0-9]{4})-([0-9]{2})-([0-9]{2})[Tt]([0-9]{2}):([0-9]{2}):([0-9]{2})(\.[0-9]+)?(?:[Zz]|([+-])([0-9]{2}):([0-9]{2}))"
)


def _is_date(text: str) -> bool:
    try:
        return len(text) == 10 and dt.date.fromisoformat(text) is not None
    except ValueError:
        return False


def _is_date_time(text: str) -> bool:
    match = _DATE_TIME.fullmatch(text)
    if match is None:
        return False
    year, month, day, hour, minute, second = (int(g) for g in match.groups()[:6])
    sign, tz_hours, tz_minutes = match.group(8), match.group(9), match.group(10)
    try:
        offset = dt.timedelta(hours=int(tz_hours), minutes=int(tz_minutes)) if sign else dt.timedelta(0)
        zone = dt.timezone(-offset if sign == "-" else offset)
        dt.datetime(year, month, day, hour, minute, second, tzinfo=zone).astimezone(dt.timezone.utc)
    except (ValueError, OverflowError):  # a leap second, year 0000, out of range once in UTC
        return False
    return True


FORMATS = {"date": _is_date, "date-time": _is_date_time}
_FORMAT_HINTS = {
    "date": " (YYYY-MM-DD, years 0001 to 9999)",
    "date-time": " (RFC 3339, years 0001 to 9999 in UTC, no leap second)",
}


def bundled_only(uri: str) -> Any:
    """$ref resolution: the project's own schemas, by their $id; never a file or the network."""
    for name in bundled_names():
        schema = load_schema(name)
        if schema.get("$id") == uri:
            return schema
    raise ValueError(f"{uri} is not resolved: only references inside the schema (#/...) and the bundled schemas are")


def user_schema_validator(schema: Any) -> Any:
    """A validator for a schema written in a policy or configuration file (a parameter's
    schema). `$ref` resolves inside it, or to a bundled schema by $id; anything else (a file:
    or http: URI) is refused: loading a shared policy pack must not read files or reach the
    network (docs/hardening.md). Raises ValueError with a one-line reason."""
    outside = external_refs(schema)
    if outside:
        where, uri = outside[0]
        raise ValueError(
            f"$ref {uri!r} at {join_pointer(list(where)) or '/'} points outside the schema; only #/... references are resolved"
        )
    try:
        return jsonschema_rs.Draft202012Validator(schema, formats=FORMATS, retriever=bundled_only)
    except (ValueError, jsonschema_rs.ValidationError) as exc:
        raise ValueError(" ".join(str(exc).split())[:300]) from None


def external_refs(schema: Any) -> list[tuple[tuple[str | int, ...], str]]:
    """Every `$ref`/`$dynamicRef` that is not a fragment of this schema or a bundled $id."""
    known = {load_schema(n).get("$id") for n in bundled_names()}
    found: list[tuple[tuple[str | int, ...], str]] = []
    stack: list[tuple[Any, tuple[str | int, ...]]] = [(schema, ())]
    while stack:
        value, path = stack.pop()
        if isinstance(value, dict):
            for key, child in value.items():
                if (
                    key in ("$ref", "$dynamicRef")
                    and isinstance(child, str)
                    and not child.startswith("#")
                    and child.split("#")[0] not in known
                ):
                    found.append(((*path, key), child))
                stack.append((child, (*path, key)))
        elif isinstance(value, list):
            stack.extend((child, (*path, i)) for i, child in enumerate(value))
    return sorted(found, key=lambda f: [str(p) for p in f[0]])


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
        "Pattern": lambda: f"{shown} {_pattern_words(kind.pattern)}",
        "Format": lambda: f"{shown} is not a valid {kind.format}{_FORMAT_HINTS.get(kind.format, '')}",
        "MinLength": lambda: f"{shown} is shorter than {kind.limit} character(s)",
        "MaxLength": lambda: f"{shown} is longer than {kind.limit} character(s)",
        "MinItems": lambda: f"list has fewer than {kind.limit} item(s)",
        "MaxItems": lambda: f"list has more than {kind.limit} item(s)",
        "Minimum": lambda: f"{shown} is less than the minimum of {kind.limit}",
        "Maximum": lambda: f"{shown} is greater than the maximum of {kind.limit}",
        "ExclusiveMinimum": lambda: f"{shown} must be greater than {kind.limit}",
        "ExclusiveMaximum": lambda: f"{shown} must be less than {kind.limit}",
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

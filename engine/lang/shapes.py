"""Static shapes: the part of a JSON Schema that an expression's value is known to match.

The compiler follows field reads through the input schema, so a misspelled
field or a field read on the wrong collection is an error at load time.
A shape of None means "unknown": nothing is checked.
"""

from __future__ import annotations

from typing import Any

from wxcc_policy.errors import did_you_mean

Shape = dict[str, Any] | None
_SCALAR_TYPES = {"string", "number", "integer", "boolean", "null"}


class ShapeProblem(Exception):
    pass


def list_of(items: Shape) -> Shape:
    return {"type": "array", "items": items} if items is not None else {"type": "array"}


def object_of(properties: dict[str, Shape]) -> Shape:
    return {"type": "object", "properties": {k: v or {} for k, v in properties.items()}, "additionalProperties": False}


def map_of(values: Shape) -> Shape:
    return {"type": "object", "additionalProperties": values if values is not None else True}


class Shapes:
    def __init__(self, root_schema: dict[str, Any]) -> None:
        self.root = root_schema

    def resolve(self, shape: Shape) -> Shape:
        for _ in range(32):
            if shape is None:
                return None
            if "$ref" in shape:
                shape = self._follow(str(shape["$ref"]))
            elif "anyOf" in shape:
                shape = _single_branch(shape)
            else:
                return shape
        return None

    def _follow(self, ref: str) -> Shape:
        if not ref.startswith("#/"):
            return None
        node: Any = self.root
        for part in ref[2:].split("/"):
            node = node.get(part) if isinstance(node, dict) else None
        return node if isinstance(node, dict) else None

    def kind(self, shape: Shape) -> str | None:
        shape = self.resolve(shape)
        if shape is None:
            return None
        declared = shape.get("type")
        if isinstance(declared, str):
            return declared
        if "properties" in shape or "additionalProperties" in shape:
            return "object"
        if "enum" in shape and all(isinstance(v, str) for v in shape["enum"]):
            return "string"
        return None

    def items(self, shape: Shape) -> Shape:
        shape = self.resolve(shape)
        if shape is None:
            return None
        if self.kind(shape) == "array":
            items = shape.get("items")
            return items if isinstance(items, dict) else None
        return None

    def member(self, shape: Shape, name: str) -> Shape:
        """Shape of `value.name`; raises ShapeProblem when the schema rules the field out."""
        shape = self.resolve(shape)
        kind = self.kind(shape)
        if shape is None or kind is None:
            return None
        if kind == "array":
            raise ShapeProblem(f"cannot read field {name!r} of a list; use map(), filter() or forEach")
        if kind in _SCALAR_TYPES:
            raise ShapeProblem(f"cannot read field {name!r} of a {kind}")
        properties: dict[str, Any] = shape.get("properties", {})
        if name in properties:
            return properties[name]
        extra = shape.get("additionalProperties", True)
        if extra is False:
            raise ShapeProblem(f"unknown field {name!r}{did_you_mean(name, properties)}")
        return extra if isinstance(extra, dict) else None

    def index(self, shape: Shape) -> Shape:
        shape = self.resolve(shape)
        kind = self.kind(shape)
        if shape is None:
            return None
        if kind == "array":
            return self.items(shape)
        extra = shape.get("additionalProperties")
        return extra if kind == "object" and isinstance(extra, dict) else None


def _single_branch(shape: Shape) -> Shape:
    """`anyOf: [X, {type: null}]` is treated as X."""
    if shape is None or "anyOf" not in shape:
        return shape
    branches = [b for b in shape["anyOf"] if b.get("type") != "null"]
    return branches[0] if len(branches) == 1 else None

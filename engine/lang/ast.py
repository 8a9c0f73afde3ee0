"""The immutable syntax tree of policy expressions."""

from __future__ import annotations

from typing import Any, NamedTuple, Union


class Literal(NamedTuple):
    pos: int
    value: Any


class Name(NamedTuple):
    pos: int
    name: str


class Member(NamedTuple):
    pos: int
    target: Node
    name: str


class Index(NamedTuple):
    pos: int
    target: Node
    key: Node


class Call(NamedTuple):
    pos: int
    name: str
    args: tuple[Node, ...]


class Lambda(NamedTuple):
    pos: int
    params: tuple[str, ...]
    body: Node


class Unary(NamedTuple):
    pos: int
    op: str
    operand: Node


class Binary(NamedTuple):
    pos: int
    op: str
    left: Node
    right: Node


class Conditional(NamedTuple):
    pos: int
    test: Node
    then: Node
    otherwise: Node


class ListLit(NamedTuple):
    pos: int
    items: tuple[Node, ...]


class ObjectLit(NamedTuple):
    pos: int
    entries: tuple[tuple[str, Node], ...]


Node = Union["Literal", "Name", "Member", "Index", "Call", "Lambda", "Unary", "Binary", "Conditional", "ListLit", "ObjectLit"]

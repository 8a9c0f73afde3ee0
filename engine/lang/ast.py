"""The immutable syntax tree of policy expressions."""

from __future__ import annotations

from typing import Any, NamedTuple, get_args


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


Node = Literal | Name | Member | Index | Call | Lambda | Unary | Binary | Conditional | ListLit | ObjectLit
NODE_TYPES: tuple[type, ...] = get_args(Node)  # every kind of node, for checks of exhaustive dispatch


def height(node: Node) -> int:
    """The number of nodes on the longest path from `node` down (iterative: the tree may be deep)."""
    deepest, stack = 0, [(node, 1)]
    while stack:
        current, depth = stack.pop()
        deepest = max(deepest, depth)
        stack.extend((child, depth + 1) for child in children(current))
    return deepest


def children(node: Node) -> tuple[Node, ...]:
    if isinstance(node, (Member, Unary)):
        return (node.target,) if isinstance(node, Member) else (node.operand,)
    if isinstance(node, Index):
        return (node.target, node.key)
    if isinstance(node, (Call, ListLit)):
        return node.args if isinstance(node, Call) else node.items
    if isinstance(node, Lambda):
        return (node.body,)
    if isinstance(node, Binary):
        return (node.left, node.right)
    if isinstance(node, Conditional):
        return (node.test, node.then, node.otherwise)
    if isinstance(node, ObjectLit):
        return tuple(value for _, value in node.entries)
    return ()

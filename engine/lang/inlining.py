"""Inlining small library functions at compile time (issue 21).

A call `f(a, b)` of a library function whose body is small and calls no function is
compiled as the body itself, with each parameter replaced by the argument's
syntax tree: no runtime call, environment copy or memo key. Only where that cannot
change a result: the arguments are names or fields of names (evaluating them twice, or
not at all, cannot fail or differ), and no name of the body or the arguments would be
captured by the caller's variables or the body's lambdas. The substitution works on the
syntax tree the parser built; nothing is generated as text, nothing eval'd.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from typing import Any, NamedTuple

from wxcc_policy.lang import ast

MAX_NODES = 40  # a larger body gains little from saving one call's overhead


class Inline(NamedTuple):
    params: tuple[str, ...]
    body: ast.Node
    locate: Callable[[Callable[[Any], Any]], Callable[[Any], Any]]  # errors named as the library body's


def _walk(node: ast.Node) -> Iterator[ast.Node]:
    stack = [node]
    while stack:
        current = stack.pop()
        yield current
        stack.extend(ast.children(current))


def is_leaf(body: ast.Node) -> bool:
    """Small, and calling no function: inlining never recurses, and a body that calls a
    built-in (a date computed, a list sorted) keeps the runtime's memo of calls with scalar
    arguments, which measured faster than recomputing it at every call (BIL-003's
    `referenceDate(period)`: 6.4x -> 7.2x the hand-written rule when inlined)."""
    nodes = list(_walk(body))
    return len(nodes) <= MAX_NODES and not any(isinstance(n, ast.Call) for n in nodes)


def free_names(node: ast.Node, bound: frozenset[str] = frozenset()) -> set[str]:
    """The variable names `node` reads that no lambda inside it binds."""
    if isinstance(node, ast.Name):
        return set() if node.name in bound else {node.name}
    if isinstance(node, ast.Lambda):
        return free_names(node.body, bound | frozenset(node.params))
    found: set[str] = set()
    for child in ast.children(node):
        found |= free_names(child, bound)
    return found


def lambda_params(node: ast.Node) -> set[str]:
    return {p for n in _walk(node) if isinstance(n, ast.Lambda) for p in n.params}


def is_plain(arg: ast.Node, variables: set[str]) -> bool:
    """A literal, a variable or a field of one: evaluated any number of times, it cannot fail."""
    while isinstance(arg, ast.Member):
        arg = arg.target
    return isinstance(arg, ast.Literal) or (isinstance(arg, ast.Name) and arg.name in variables)


def inlinable(spec: Inline, args: tuple[ast.Node, ...], scope: Mapping[str, Any], variables: set[str]) -> bool:
    if len(args) != len(spec.params) or not all(is_plain(a, variables) for a in args):
        return False
    captured_by_caller = (free_names(spec.body) - set(spec.params)) & set(scope)
    arg_names = set().union(*(free_names(a) for a in args))
    return not captured_by_caller and not (arg_names & lambda_params(spec.body))


def substitute(node: ast.Node, values: Mapping[str, ast.Node]) -> ast.Node:
    """`node` with each free parameter name replaced by its argument's tree."""
    match node:
        case ast.Name():
            return values.get(node.name, node)
        case ast.Lambda():
            inner = {k: v for k, v in values.items() if k not in node.params}
            return node._replace(body=substitute(node.body, inner))
        case ast.Member():
            return node._replace(target=substitute(node.target, values))
        case ast.Index():
            return node._replace(target=substitute(node.target, values), key=substitute(node.key, values))
        case ast.Unary():
            return node._replace(operand=substitute(node.operand, values))
        case ast.Binary():
            return node._replace(left=substitute(node.left, values), right=substitute(node.right, values))
        case ast.Conditional():
            return node._replace(
                test=substitute(node.test, values), then=substitute(node.then, values), otherwise=substitute(node.otherwise, values)
            )
        case ast.Call():
            return node._replace(args=tuple(substitute(a, values) for a in node.args))
        case ast.ListLit():
            return node._replace(items=tuple(substitute(i, values) for i in node.items))
        case ast.ObjectLit():
            return node._replace(entries=tuple((k, substitute(v, values)) for k, v in node.entries))
    return node

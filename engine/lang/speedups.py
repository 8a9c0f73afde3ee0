"""The evaluation speed-ups, in one place: each is an equivalent, faster way to compute
what the plain compiled closures would, for a form that policies use all the time.

- Fused membership: `var.field in table` (and its negation) as one closure instead of
  three, the shape of most per-element checks.
- Bulk membership: when that is a policy's whole condition on its innermost loop, the
  condition is evaluated over the whole collection in one comprehension, and the
  failures are picked with `itertools.compress`, at C speed.
- Memoised library functions: a call whose arguments are all scalars is computed once
  per document, keyed on the arguments' types as well as their values (`f(true)`,
  `f(1)` and `f(1.0)` are three calls: equal in Python, different in the language).

The rest of the engine must not depend on which of these apply: tests compare them
with the plain evaluation.
"""

from __future__ import annotations

from collections.abc import Callable, Collection
from itertools import compress
from operator import attrgetter, not_
from typing import Any

from wxcc_policy.errors import EvalError
from wxcc_policy.lang import ast
from wxcc_policy.lang.values import a_type, contains, hashable

Env = dict[str, Any]
Fn = Callable[[Env], Any]
BulkFn = Callable[[Env, Any], list[bool]]

HASHED = (frozenset, dict, set)  # collections tested by hashing: a lookup table built once
SCALARS = (str, int, float, bool, type(None))  # the arguments a memoised call may have
class_of = attrgetter("__class__")  # a tracked value's __class__ is its base type, unlike type()


def unhashable(item: Any) -> EvalError:
    """The error for `item in set`, when item is an object (the only unhashable value)."""
    return EvalError(f"cannot look up {a_type(item)} in a set or object (use one of its fields)")


def membership_parts(node: ast.Node, bound: Collection[str]) -> tuple[str, str, str] | None:
    """(var, field, table) when `node` is `var.field in table`, both names `bound`
    (read straight from the environment)."""
    if not (
        isinstance(node, ast.Binary)
        and node.op == "in"
        and isinstance(node.left, ast.Member)
        and isinstance(node.left.target, ast.Name)
        and isinstance(node.right, ast.Name)
    ):
        return None
    var, field, table = node.left.target.name, node.left.name, node.right.name
    return (var, field, table) if var in bound and table in bound else None


def fused_membership(node: ast.Node, bound: Collection[str]) -> tuple[Fn, Fn] | None:
    """`var.field in table` as one closure, and its negation; None for other forms."""
    parts = membership_parts(node, bound)
    if parts is None:
        return None
    var, field, table = parts

    def field_in(env: Env) -> bool:
        value = env[var]
        item = value.get(field) if value.__class__ is dict else None
        collection = env[table]
        if collection.__class__ in HASHED:
            try:  # inline, not a helper: this runs once per element
                return (item if item.__class__ is not list else hashable(item)) in collection
            except TypeError:
                raise unhashable(item) from None
        return contains(collection, item)

    return field_in, lambda env: not field_in(env)


def bulk_predicate(node: ast.Node, var: str, bound: Collection[str]) -> BulkFn | None:
    """For a condition on loop variable `var` of the form `var.field in table` (or its
    negation), a function testing a whole collection at once: `fn(env, items) -> [bool]`.
    None for any other form, which is then evaluated element by element."""
    negate = isinstance(node, ast.Unary) and node.op == "not"
    inner = node.operand if isinstance(node, ast.Unary) and negate else node
    parts = membership_parts(inner, bound)
    fused = fused_membership(inner, bound)
    if parts is None or fused is None or parts[0] != var:
        return None
    _, field, table = parts
    one = fused[1] if negate else fused[0]

    def bulk(env: Env, items: Any) -> list[bool]:
        collection = env[table]
        if collection.__class__ in HASHED:
            try:
                if negate:
                    return [x.get(field) not in collection for x in items]
                return [x.get(field) in collection for x in items]
            except (AttributeError, TypeError):  # a non-object or an unhashable value
                pass
        saved = env.get(var)
        out = []
        for x in items:
            env[var] = x
            out.append(one(env))
        env[var] = saved
        return out

    return bulk


def failing_items(bulk: BulkFn, env: Env, items: Any) -> list[Any]:
    """The items for which a bulk condition is false, in order."""
    items = list(items)
    return list(compress(items, map(not_, bulk(env, items))))


def memo_key(name: str, args: list[Any]) -> tuple[Any, ...] | None:
    """The memo key of a library call: None (not memoised) unless every argument is a
    scalar. Types are part of the key: True == 1 == 1.0 in Python, not in policies."""
    for a in args:
        if not isinstance(a, SCALARS):
            return None
    return (name, *args, *map(class_of, args))  # Runtime.call inlines this

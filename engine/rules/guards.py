"""Checks around a policy's compiled expressions, made where the policy file can still
name the expression: at load time when the expression's form decides, otherwise as
located evaluation errors.

- `forEach … in` must give a list (or a set, walked in order, or null); each loop
  spends the document's evaluation budget by its number of elements.
- `report.at` must be an element of the document (an object or a list reached from
  it), never a computed value: a scalar, a literal, or a function result built anew.
- `impact.value` must give a finite number (or null: no impact counted).
"""

from __future__ import annotations

import math
from typing import Any

from wxcc_policy.errors import EvalError, EvalFailure
from wxcc_policy.lang import ast
from wxcc_policy.lang.budget import budget_of
from wxcc_policy.lang.builtins import BUILTINS
from wxcc_policy.lang.shapes import Shape, Shapes
from wxcc_policy.lang.values import a_type, sort_key
from wxcc_policy.rules.model import Env, Fn

_SCALARS = ("string", "number", "integer", "boolean", "null")
TARGET_RULE = "report.at must be an element of the document (an object or a list)"


def loop_collection(items: Fn, where: str) -> Fn:
    """The `in` expression of a loop level, checked and paid for when it runs."""

    def collection(env: Env) -> Any:
        value = items(env)
        if value is None:
            return ()
        if value.__class__ is not list and not isinstance(value, (list, tuple)):
            if not isinstance(value, (set, frozenset)):
                raise EvalFailure(f"forEach needs a list to walk, got {a_type(value)}", where)
            value = sorted(value, key=sort_key)
        try:
            budget_of(env).spend(len(value))
        except EvalError as exc:
            raise exc.located(where) from None
        return value

    return collection


def target_problem(node: ast.Node, shape: Shape, shapes: Shapes) -> str | None:
    """Why `report.at` cannot be a document element, when its form or shape shows it."""
    kind = shapes.kind(shape)
    if kind in _SCALARS:
        return f"{TARGET_RULE}, not a {kind}; point at the object that holds it and name the field in report.field"
    if not may_be_element(node):
        return f"{TARGET_RULE}, not a computed value"
    return None


def may_be_element(node: ast.Node) -> bool:
    """False when the expression always builds a new value (a literal, an arithmetic or
    logical result, a built-in function's new collection)."""
    if isinstance(node, (ast.Name, ast.Member, ast.Index)):
        return True
    if isinstance(node, ast.Conditional):
        return may_be_element(node.then) or may_be_element(node.otherwise)
    if isinstance(node, ast.Binary) and node.op == "??":
        return may_be_element(node.left) or may_be_element(node.right)
    if isinstance(node, ast.Call):
        spec = BUILTINS.get(node.name)
        return spec is None or spec.returns == "any"  # library functions can return anything
    return False


def report_target(at: Fn, where: str) -> Fn:
    """`report.at`, checked when it runs: a scalar is never an element."""

    def target(env: Env) -> Any:
        value = at(env)
        if value.__class__ is not dict and not isinstance(value, (dict, list)):
            raise EvalFailure(f"{TARGET_RULE}, not {a_type(value)}", where)
        return value

    return target


def impact_value(value: Fn, where: str) -> Fn:
    """`impact.value`, checked when it runs: a finite number, or None (nothing counted)."""

    def impact(env: Env) -> int | float | None:
        number = value(env)
        if number is None:
            return None
        if isinstance(number, bool) or not isinstance(number, (int, float)) or not math.isfinite(number):
            raise EvalFailure(f"impact.value must give a number, not {a_type(number)}", where)
        return number

    return impact

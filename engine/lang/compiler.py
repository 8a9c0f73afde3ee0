"""Compiles expression ASTs into Python closures `fn(env) -> value`, once per policy.

Names are resolved at compile time, so an unknown name, function, field or
parameter is a load-time error with its offset. Nothing is ever eval'd.
"""

from __future__ import annotations

import operator
from collections.abc import Callable
from typing import Any

from wxcc_policy.lang import ast
from wxcc_policy.lang.builtins import BUILTINS, Builtin, Lam
from wxcc_policy.lang.shapes import Shape, ShapeProblem, Shapes, did_you_mean, list_of, map_of, object_of
from wxcc_policy.lang.values import EvalError, contains, hashable, type_name

Env = dict[str, Any]
Fn = Callable[[Env], Any]
BulkFn = Callable[[Env, Any], list[bool]]
RUNTIME_KEY = "@runtime"  # not a valid identifier, so no policy name can clash with it


class CompileProblem(Exception):
    def __init__(self, message: str, offset: int) -> None:
        super().__init__(message)
        self.message = message
        self.offset = offset


class Namespace:
    """Names visible to an expression besides its own locals.

    `env_names` are read from the environment (document fields, engine values,
    a policy's definitions); `values` and `functions` are library definitions,
    evaluated through the per-document runtime.
    """

    def __init__(self, shapes: Shapes, env_names: dict[str, Shape]) -> None:
        self.shapes = shapes
        self.env_names = env_names
        self.values: dict[str, Callable[[], Shape]] = {}
        self.functions: dict[str, tuple[tuple[str, ...], Callable[[], Shape]]] = {}

    def all_names(self) -> list[str]:
        return [*self.env_names, *self.values]


class Compiler:
    def __init__(self, namespace: Namespace) -> None:
        self.ns = namespace
        self.shapes = namespace.shapes

    def compile(self, node: ast.Node, scope: dict[str, Shape] | None = None) -> tuple[Fn, Shape]:
        method = getattr(self, "_" + type(node).__name__)
        result: tuple[Fn, Shape] = method(node, scope or {})
        return result

    # -- names and access -----------------------------------------------------------------
    def _Literal(self, node: ast.Literal, scope: dict[str, Shape]) -> tuple[Fn, Shape]:
        value = node.value
        return (lambda env: value), None

    def _Name(self, node: ast.Name, scope: dict[str, Shape]) -> tuple[Fn, Shape]:
        name = node.name
        if name in scope or name in self.ns.env_names:
            shape = scope[name] if name in scope else self.ns.env_names[name]
            return operator.itemgetter(name), shape  # env[name], without a Python frame
        if name in self.ns.values:
            shape = self.ns.values[name]()
            return (lambda env: env[RUNTIME_KEY].value(name)), shape
        hint = did_you_mean(name, [*scope, *self.ns.all_names()])
        raise CompileProblem(f"unknown name {name!r}{hint}", node.pos)

    def _Member(self, node: ast.Member, scope: dict[str, Shape]) -> tuple[Fn, Shape]:
        target, shape = self.compile(node.target, scope)
        try:
            result_shape = self.shapes.member(shape, node.name)
        except ShapeProblem as exc:
            raise CompileProblem(str(exc), node.pos) from None
        name = node.name
        if isinstance(node.target, ast.Name) and (node.target.name in scope or node.target.name in self.ns.env_names):
            var = node.target.name

            def read_var_field(env: Env) -> Any:
                value = env[var]
                return value.get(name) if value.__class__ is dict else None

            return read_var_field, result_shape

        def read_field(env: Env) -> Any:
            value = target(env)
            return value.get(name) if value.__class__ is dict else None

        return read_field, result_shape

    def _Index(self, node: ast.Index, scope: dict[str, Shape]) -> tuple[Fn, Shape]:
        target, shape = self.compile(node.target, scope)
        index, _ = self.compile(node.key, scope)

        def read_index(env: Env) -> Any:
            return _lookup(target(env), index(env))

        return read_index, self.shapes.index(shape)

    # -- operators ------------------------------------------------------------------------
    def _Unary(self, node: ast.Unary, scope: dict[str, Shape]) -> tuple[Fn, Shape]:
        operand, _ = self.compile(node.operand, scope)
        if node.op == "not":
            inner = self._field_membership(node.operand, scope)
            if inner is not None:
                return inner[1], {"type": "boolean"}
            return (lambda env: not operand(env)), {"type": "boolean"}
        return (lambda env: _negate(operand(env))), {"type": "number"}

    def _Binary(self, node: ast.Binary, scope: dict[str, Shape]) -> tuple[Fn, Shape]:
        left, lshape = self.compile(node.left, scope)
        right, rshape = self.compile(node.right, scope)
        op = node.op
        if op == "and":
            return (lambda env: bool(left(env)) and bool(right(env))), None
        if op == "or":
            return (lambda env: bool(left(env)) or bool(right(env))), None
        if op == "??":
            return _coalesce(left, right), lshape or rshape
        if op == "in":
            fused = self._field_membership(node, scope)
            return (fused[0] if fused else _membership(left, right)), None
        if op in ("==", "!="):
            equal = op == "=="
            return (lambda env: (left(env) == right(env)) is equal), None
        if op in _ORDER:
            return _comparison(op, left, right), None
        return _arithmetic(op, left, right), lshape if op == "+" else None

    def _membership_parts(self, node: ast.Node, scope: dict[str, Shape]) -> tuple[str, str, str] | None:
        """(var, field, table) when `node` is `var.field in table`, both names bound locally."""
        if not (
            isinstance(node, ast.Binary)
            and node.op == "in"
            and isinstance(node.left, ast.Member)
            and isinstance(node.left.target, ast.Name)
            and isinstance(node.right, ast.Name)
        ):
            return None
        var, field, table = node.left.target.name, node.left.name, node.right.name
        bound = (*scope, *self.ns.env_names)
        return (var, field, table) if var in bound and table in bound else None

    def _field_membership(self, node: ast.Node, scope: dict[str, Shape]) -> tuple[Fn, Fn] | None:
        """`var.field in table` as one closure (and its negation): the shape of most
        per-element checks, so it is worth fusing three calls into one."""
        parts = self._membership_parts(node, scope)
        if parts is None:
            return None
        var, field, table = parts

        def field_in(env: Env) -> bool:
            value = env[var]
            item = value.get(field) if value.__class__ is dict else None
            collection = env[table]
            if collection.__class__ in _HASHED:
                return (item if item.__class__ is not list else hashable(item)) in collection
            return contains(collection, item)

        return field_in, lambda env: not field_in(env)

    def bulk_predicate(self, node: ast.Node, var: str, scope: dict[str, Shape]) -> BulkFn | None:
        """For a condition on loop variable `var` of the form `var.field in table` (or its
        negation), a function testing a whole collection at once: `fn(env, items) -> [bool]`.
        None for any other form, which is then evaluated element by element."""
        negate = isinstance(node, ast.Unary) and node.op == "not"
        inner = node.operand if isinstance(node, ast.Unary) and negate else node
        parts = self._membership_parts(inner, scope)
        fused = self._field_membership(inner, scope)
        if parts is None or fused is None or parts[0] != var:
            return None
        _, field, table = parts
        one = fused[1] if negate else fused[0]

        def bulk(env: Env, items: Any) -> list[bool]:
            collection = env[table]
            if collection.__class__ in _HASHED:
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

    def _Conditional(self, node: ast.Conditional, scope: dict[str, Shape]) -> tuple[Fn, Shape]:
        test, _ = self.compile(node.test, scope)
        then, shape = self.compile(node.then, scope)
        otherwise, other_shape = self.compile(node.otherwise, scope)
        return (lambda env: then(env) if test(env) else otherwise(env)), shape or other_shape

    def _ListLit(self, node: ast.ListLit, scope: dict[str, Shape]) -> tuple[Fn, Shape]:
        items = [self.compile(item, scope)[0] for item in node.items]
        return (lambda env: [item(env) for item in items]), None

    def _ObjectLit(self, node: ast.ObjectLit, scope: dict[str, Shape]) -> tuple[Fn, Shape]:
        compiled = [(key, *self.compile(value, scope)) for key, value in node.entries]
        shape = object_of({key: s for key, _, s in compiled})
        return (lambda env: {key: fn(env) for key, fn, _ in compiled}), shape

    def _Lambda(self, node: ast.Lambda, scope: dict[str, Shape]) -> tuple[Fn, Shape]:
        raise CompileProblem("a lambda (x -> ...) can only be an argument of a function that takes one", node.pos)

    # -- calls ----------------------------------------------------------------------------
    def _Call(self, node: ast.Call, scope: dict[str, Shape]) -> tuple[Fn, Shape]:
        if node.name in BUILTINS:
            return self._builtin(node, BUILTINS[node.name], scope)
        if node.name in self.ns.functions:
            return self._library_call(node, scope)
        hint = did_you_mean(node.name, [*BUILTINS, *self.ns.functions])
        raise CompileProblem(f"unknown function {node.name!r}{hint}", node.pos)

    def _library_call(self, node: ast.Call, scope: dict[str, Shape]) -> tuple[Fn, Shape]:
        params, shape_of = self.ns.functions[node.name]
        if len(node.args) != len(params):
            raise CompileProblem(f"{node.name}() takes {len(params)} argument(s): {', '.join(params)}", node.pos)
        args = [self.compile(arg, scope)[0] for arg in node.args]
        name = node.name
        return (lambda env: env[RUNTIME_KEY].call(name, [a(env) for a in args])), shape_of()

    def _builtin(self, node: ast.Call, spec: Builtin, scope: dict[str, Shape]) -> tuple[Fn, Shape]:
        if not spec.min_args <= len(node.args) <= spec.max_args:
            raise CompileProblem(f"wrong number of arguments: {spec.signature}", node.pos)
        args: list[Fn] = []
        shapes: list[Shape] = []
        for i, arg in enumerate(node.args):
            lambda_ok = i in spec.lambda_at or i in spec.optional_lambda_at
            if isinstance(arg, ast.Lambda) and lambda_ok:
                fn, shape = self._lambda_arg(arg, shapes[0] if shapes else None, scope)
            elif i in spec.lambda_at:
                raise CompileProblem(f"argument {i + 1} must be a lambda (x -> ...): {spec.signature}", arg.pos)
            else:
                fn, shape = self.compile(arg, scope)
            args.append(fn)
            shapes.append(shape)
        return _call_builtin(spec, args), self._builtin_shape(spec.shape, shapes)

    def _lambda_arg(self, node: ast.Lambda, collection: Shape, scope: dict[str, Shape]) -> tuple[Fn, Shape]:
        item = self.shapes.items(collection)
        inner = {**scope, **dict.fromkeys(node.params, item)}
        body, shape = self.compile(node.body, inner)
        field = None
        body_node = node.body
        if (
            len(node.params) == 1
            and isinstance(body_node, ast.Member)
            and isinstance(body_node.target, ast.Name)
            and body_node.target.name == node.params[0]
        ):
            field = body_node.name
        lam = Lam(node.params, body, field)
        return (lambda env: lam), shape

    def _builtin_shape(self, rule: str | None, shapes: list[Shape]) -> Shape:
        first = shapes[0] if shapes else None
        item = self.shapes.items(first)
        last = shapes[-1] if shapes else None
        rules: dict[str | None, Callable[[], Shape]] = {
            "item": lambda: item,
            "list": lambda: first,
            "mapped": lambda: list_of(last),
            "flat": lambda: last,
            "minmax": lambda: item if len(shapes) <= 2 else None,
            "groups": lambda: list_of(object_of({"key": None, "items": first})),
            "index": lambda: map_of(item),
            "duplicates": lambda: list_of(object_of({"item": item, "key": None, "occurrence": None, "first": item})),
            "values": lambda: list_of(self.shapes.index(first)),
            "lookup": lambda: self.shapes.index(first),
        }
        return rules.get(rule, lambda: None)()


def _call_builtin(spec: Builtin, args: list[Fn]) -> Fn:
    impl = spec.impl
    if len(args) == 1:
        (a,) = args
        return lambda env: impl(env, a(env))
    if len(args) == 2:
        a, b = args
        return lambda env: impl(env, a(env), b(env))
    return lambda env: impl(env, *[arg(env) for arg in args])


def _lookup(container: Any, key: Any) -> Any:
    if container.__class__ is dict:
        return container.get(hashable(key))
    if isinstance(container, (list, tuple)) and isinstance(key, int) and not isinstance(key, bool):
        return container[key] if -len(container) <= key < len(container) else None
    return None


def _negate(value: Any) -> Any:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise EvalError(f"cannot negate a {type_name(value)}")
    return -value


_HASHED = (frozenset, dict, set)


def _membership(left: Fn, right: Fn) -> Fn:
    def membership(env: Env) -> bool:
        collection = right(env)
        if collection.__class__ in _HASHED:  # the hot path: a lookup table built once
            item = left(env)
            return (item if item.__class__ is not list else hashable(item)) in collection
        return contains(collection, left(env))

    return membership


def _coalesce(left: Fn, right: Fn) -> Fn:
    def coalesce(env: Env) -> Any:
        value = left(env)
        return right(env) if value is None else value

    return coalesce


_ORDER: dict[str, Callable[[Any, Any], bool]] = {
    "<": operator.lt, "<=": operator.le, ">": operator.gt, ">=": operator.ge,
}  # fmt: skip


def _comparison(op: str, left: Fn, right: Fn) -> Fn:
    compare = _ORDER[op]

    def ordered(env: Env) -> bool:
        a, b = left(env), right(env)
        if a is None or b is None:
            return False
        try:
            return compare(a, b)
        except TypeError:
            raise EvalError(f"cannot compare a {type_name(a)} with a {type_name(b)} using {op}") from None

    return ordered


_ARITH: dict[str, Callable[[Any, Any], Any]] = {
    "+": operator.add, "-": operator.sub, "*": operator.mul, "/": operator.truediv, "%": operator.mod,
}  # fmt: skip


def _arithmetic(op: str, left: Fn, right: Fn) -> Fn:
    apply = _ARITH[op]

    def arithmetic(env: Env) -> Any:
        a, b = left(env), right(env)
        if a is None or b is None:
            return None
        if op == "+" and isinstance(a, str) and isinstance(b, str):
            return a + b
        if op == "+" and isinstance(a, list) and isinstance(b, list):
            return a + b
        if not _is_number(a) or not _is_number(b):
            raise EvalError(f"cannot apply {op} to a {type_name(a)} and a {type_name(b)}")
        try:
            return apply(a, b)
        except ZeroDivisionError:
            raise EvalError("division by zero") from None

    return arithmetic


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)

"""Compiles expression ASTs into Python closures `fn(env) -> value`, once per policy.

Names are resolved at compile time, so an unknown name, function, field or
parameter is a load-time error with its offset. Nothing is ever eval'd. Faster
equivalents for common forms come from lang/speedups.py.
"""

from __future__ import annotations

import operator
from collections.abc import Callable, Mapping
from typing import Any, NoReturn

from wxcc_policy.errors import CompileProblem, EvalError
from wxcc_policy.lang import ast, inlining, speedups
from wxcc_policy.lang.budget import CALL_STEPS, budget_of
from wxcc_policy.lang.builtins import BUILTINS, Builtin, Lam
from wxcc_policy.lang.names import RUNTIME_KEY
from wxcc_policy.lang.shapes import Shape, ShapeProblem, Shapes, did_you_mean, list_of, map_of, object_of
from wxcc_policy.lang.speedups import HASHED, BulkFn, unhashable
from wxcc_policy.lang.values import a_type, brief, contains, hashable

__all__ = ["RUNTIME_KEY", "BulkFn", "CompileProblem", "Compiler", "Env", "Fn", "Namespace"]

Env = dict[str, Any]
Fn = Callable[[Env], Any]
# Results beyond a double's range are refused: repeated `*` would otherwise build
# integers of millions of digits in a few steps, and floats overflow to infinity.
_LARGEST = 1.7976931348623157e308
_SMALLEST = -_LARGEST
# What a built-in's implementation may raise on arguments it did not foresee: turned
# into an evaluation error naming the function, never an internal error.
_FAULTS = (TypeError, ValueError, ArithmeticError, AttributeError, LookupError)


def assert_never(value: NoReturn) -> NoReturn:
    """For mypy, a match that misses a node type is an error; at run time, a bug."""
    raise AssertionError(f"no compiler for {type(value).__name__}")


class Namespace:
    """Names visible to an expression besides its own locals.

    `env_names` are read from the environment (document fields, engine values,
    a policy's definitions); `values` and `functions` are library definitions,
    evaluated through the per-document runtime. `builtins` is the built-in table calls
    are bound to at compile time (lang/tracking.py gives the forecast's).
    """

    def __init__(self, shapes: Shapes, env_names: dict[str, Shape], builtins: Mapping[str, Builtin] = BUILTINS) -> None:
        self.shapes = shapes
        self.env_names = env_names
        self.builtins = builtins
        self.values: dict[str, Callable[[], Shape]] = {}
        self.functions: dict[str, tuple[tuple[str, ...], Callable[[], Shape]]] = {}
        self.inline: dict[str, Callable[[], inlining.Inline | None]] = {}  # the functions a call may inline

    def all_names(self) -> list[str]:
        return [*self.env_names, *self.values]


class Compiler:
    def __init__(self, namespace: Namespace) -> None:
        self.ns = namespace
        self.shapes = namespace.shapes

    def compile(self, node: ast.Node, scope: dict[str, Shape] | None = None) -> tuple[Fn, Shape]:
        scope = scope or {}
        match node:
            case ast.Literal():
                return self._literal(node)
            case ast.Name():
                return self._name(node, scope)
            case ast.Member():
                return self._member(node, scope)
            case ast.Index():
                return self._index(node, scope)
            case ast.Unary():
                return self._unary(node, scope)
            case ast.Binary():
                return self._binary(node, scope)
            case ast.Conditional():
                return self._conditional(node, scope)
            case ast.ListLit():
                return self._list(node, scope)
            case ast.ObjectLit():
                return self._object(node, scope)
            case ast.Call():
                return self._call(node, scope)
            case ast.Lambda():
                raise CompileProblem("a lambda (x -> ...) can only be an argument of a function that takes one", node.pos)
            case _:
                assert_never(node)

    def bound(self, scope: dict[str, Shape]) -> set[str]:
        """Names read straight from the environment (not library values)."""
        return {*scope, *self.ns.env_names}

    def bulk_predicate(self, node: ast.Node, var: str, scope: dict[str, Shape]) -> BulkFn | None:
        return speedups.bulk_predicate(node, var, self.bound(scope))

    # -- names and access -----------------------------------------------------------------
    def _literal(self, node: ast.Literal) -> tuple[Fn, Shape]:
        value = node.value
        return (lambda env: value), None

    def _name(self, node: ast.Name, scope: dict[str, Shape]) -> tuple[Fn, Shape]:
        name = node.name
        if name in scope or name in self.ns.env_names:
            shape = scope[name] if name in scope else self.ns.env_names[name]
            return operator.itemgetter(name), shape  # env[name], without a Python frame
        if name in self.ns.values:
            shape = self.ns.values[name]()
            return (lambda env: env[RUNTIME_KEY].value(name)), shape
        hint = did_you_mean(name, [*scope, *self.ns.all_names()])
        raise CompileProblem(f"unknown name {name!r}{hint}", node.pos)

    def _member(self, node: ast.Member, scope: dict[str, Shape]) -> tuple[Fn, Shape]:
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

    def _index(self, node: ast.Index, scope: dict[str, Shape]) -> tuple[Fn, Shape]:
        target, shape = self.compile(node.target, scope)
        index, _ = self.compile(node.key, scope)
        if isinstance(node.key, ast.Literal) and type(node.key.value) is int:
            position = node.key.value  # `x[0]`: a list read without evaluating the index

            def read_position(env: Env) -> Any:
                value = target(env)
                if value.__class__ is list:
                    return value[position] if -len(value) <= position < len(value) else None
                return _lookup(value, position)

            return read_position, self.shapes.index(shape)

        def read_index(env: Env) -> Any:
            return _lookup(target(env), index(env))

        return read_index, self.shapes.index(shape)

    # -- operators ------------------------------------------------------------------------
    def _unary(self, node: ast.Unary, scope: dict[str, Shape]) -> tuple[Fn, Shape]:
        operand, _ = self.compile(node.operand, scope)
        if node.op == "not":
            inner = speedups.fused_membership(node.operand, self.bound(scope))
            if inner is not None:
                return inner[1], {"type": "boolean"}
            return (lambda env: not operand(env)), {"type": "boolean"}
        return (lambda env: _negate(operand(env))), {"type": "number"}

    def _binary(self, node: ast.Binary, scope: dict[str, Shape]) -> tuple[Fn, Shape]:
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
            fused = speedups.fused_membership(node, self.bound(scope))
            constant = _literal_items(node.right)
            if fused is None and constant is not None:  # `x in ['a', 'b']`: the list built once
                return (lambda env: left(env) in constant), None
            return (fused[0] if fused else _membership(left, right)), None
        if op in ("==", "!="):
            equal = op == "=="
            return (lambda env: (left(env) == right(env)) is equal), None
        if op in _ORDER:
            return _comparison(op, left, right), None
        return _arithmetic(op, left, right), lshape if op == "+" else None

    def _conditional(self, node: ast.Conditional, scope: dict[str, Shape]) -> tuple[Fn, Shape]:
        test, _ = self.compile(node.test, scope)
        then, shape = self.compile(node.then, scope)
        otherwise, other_shape = self.compile(node.otherwise, scope)
        return (lambda env: then(env) if test(env) else otherwise(env)), shape or other_shape

    def _list(self, node: ast.ListLit, scope: dict[str, Shape]) -> tuple[Fn, Shape]:
        items = [self.compile(item, scope)[0] for item in node.items]
        return (lambda env: [item(env) for item in items]), None

    def _object(self, node: ast.ObjectLit, scope: dict[str, Shape]) -> tuple[Fn, Shape]:
        compiled = [(key, *self.compile(value, scope)) for key, value in node.entries]
        shape = object_of({key: s for key, _, s in compiled})
        return (lambda env: {key: fn(env) for key, fn, _ in compiled}), shape

    # -- calls ----------------------------------------------------------------------------
    def _call(self, node: ast.Call, scope: dict[str, Shape]) -> tuple[Fn, Shape]:
        if node.name in self.ns.builtins:
            return self._builtin(node, self.ns.builtins[node.name], scope)
        if node.name in self.ns.functions:
            return self._library_call(node, scope)
        hint = did_you_mean(node.name, [*BUILTINS, *self.ns.functions])
        raise CompileProblem(f"unknown function {node.name!r}{hint}", node.pos)

    def _library_call(self, node: ast.Call, scope: dict[str, Shape]) -> tuple[Fn, Shape]:
        params, shape_of = self.ns.functions[node.name]
        if len(node.args) != len(params):
            raise CompileProblem(f"{node.name}() takes {len(params)} argument(s): {', '.join(params)}", node.pos)
        args = [self.compile(arg, scope)[0] for arg in node.args]
        inlined = self._inlined(node, args, scope)
        return (inlined or _library_caller(node.name, args)), shape_of()

    def _inlined(self, node: ast.Call, args: list[Fn], scope: dict[str, Shape]) -> Fn | None:
        """The call compiled as the function's body (lang/inlining.py), or None where it cannot be."""
        spec = self.ns.inline[node.name]() if node.name in self.ns.inline else None
        if spec is None or not inlining.inlinable(spec, node.args, scope, self.bound(scope)):
            return None
        try:
            body, _ = self.compile(inlining.substitute(spec.body, dict(zip(spec.params, node.args, strict=True))), scope)
        except CompileProblem:  # e.g. a field the argument's shape lacks: left to the call, as written
            return None
        return _inline_caller(node.name, args, spec.locate(body))

    def _builtin(self, node: ast.Call, spec: Builtin, scope: dict[str, Shape]) -> tuple[Fn, Shape]:
        if not spec.min_args <= len(node.args) <= spec.max_args:
            raise CompileProblem(f"wrong number of arguments: {spec.signature}", node.pos)
        _check_literals(node, spec)
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
        if len(node.params) != 1:  # every built-in passes one item at a time
            raise CompileProblem(f"this lambda takes {len(node.params)} parameters; built-in functions pass one (x -> ...)", node.pos)
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


def _library_caller(name: str, args: list[Fn]) -> Fn:
    """A library call as a closure, its usual one or two arguments without a loop."""
    if len(args) == 1:
        (a,) = args
        return lambda env: env[RUNTIME_KEY].call(name, [a(env)])
    if len(args) == 2:
        a, b = args
        return lambda env: env[RUNTIME_KEY].call(name, [a(env), b(env)])
    return lambda env: env[RUNTIME_KEY].call(name, [a(env) for a in args])


def _inline_caller(name: str, args: list[Fn], body: Fn) -> Fn:
    """An inlined call: the body, and the budget a call spends. Under `explain` (an observed
    runtime) it is the call again, so that every derived call is recorded as written."""

    def inlined(env: Env) -> Any:
        runtime = env[RUNTIME_KEY]
        if runtime.observed:
            return runtime.call(name, [a(env) for a in args])
        runtime.budget.spend(CALL_STEPS)
        return body(env)

    return inlined


def _call_builtin(spec: Builtin, args: list[Fn]) -> Fn:
    """The call as a closure. Arguments are evaluated outside the `try`, so that only
    the function's own faults are attributed to it (try costs nothing when nothing raises)."""
    impl, name = spec.impl, spec.signature.split("(")[0]
    if len(args) == 1:
        (a,) = args

        def call1(env: Env) -> Any:
            x = a(env)
            try:
                return impl(env, x)
            except _FAULTS as exc:
                raise _fault(name, exc) from None

        return call1
    if len(args) == 2:
        a, b = args

        def call2(env: Env) -> Any:
            x, y = a(env), b(env)
            try:
                return impl(env, x, y)
            except _FAULTS as exc:
                raise _fault(name, exc) from None

        return call2

    def call(env: Env) -> Any:
        values = [arg(env) for arg in args]
        try:
            return impl(env, *values)
        except _FAULTS as exc:
            raise _fault(name, exc) from None

    return call


def _fault(name: str, exc: Exception) -> EvalError:
    if isinstance(exc, EvalError):  # _FAULTS does not include it; kept for clarity
        return exc
    return EvalError(f"{name}() cannot take these arguments: {brief(str(exc), 120)[1:-1]}")


def _check_literals(node: ast.Call, spec: Builtin) -> None:
    """Arguments written as literals (a regular expression, a separator) are checked at load."""
    for position, check in spec.literal_check:
        if position < len(node.args) and isinstance(node.args[position], ast.Literal):
            arg = node.args[position]
            try:
                check(arg.value)  # type: ignore[union-attr]
            except EvalError as exc:
                raise CompileProblem(exc.message, arg.pos) from None


def _literal_items(node: ast.Node) -> tuple[Any, ...] | None:
    """The items of a list written with scalar literals only; `in` on it compares with ==,
    as on the list it would build each time."""
    if not isinstance(node, ast.ListLit) or not all(isinstance(item, ast.Literal) for item in node.items):
        return None
    values = tuple(item.value for item in node.items)  # type: ignore[union-attr]
    return values if all(v is None or isinstance(v, (str, int, float)) for v in values) else None


def _lookup(container: Any, key: Any) -> Any:
    if container.__class__ is dict:
        if key.__class__ is list or key.__class__ is dict:  # only these need hashable()
            key = hashable(key)
        return container.get(key)
    if isinstance(container, (list, tuple)) and isinstance(key, int) and not isinstance(key, bool):
        return container[key] if -len(container) <= key < len(container) else None
    return None


def _negate(value: Any) -> Any:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise EvalError(f"cannot negate {a_type(value)}")
    return -value


def _membership(left: Fn, right: Fn) -> Fn:
    def membership(env: Env) -> bool:
        collection = right(env)
        if collection.__class__ in HASHED:  # the hot path: a lookup table built once
            item = left(env)
            try:
                return (item if item.__class__ is not list else hashable(item)) in collection
            except TypeError:
                raise unhashable(item) from None
        if collection.__class__ is list:  # as contains() does for a list, without the call
            return left(env) in collection
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
            raise EvalError(f"cannot compare {a_type(a)} with {a_type(b)} using {op}") from None

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
        if op == "+" and isinstance(a, (str, list)) and a.__class__ is b.__class__:
            return _joined(env, a, b)
        if not _is_number(a) or not _is_number(b):
            raise EvalError(f"cannot apply {op} to {a_type(a)} and {a_type(b)}")
        try:
            result = apply(a, b)
        except ZeroDivisionError:
            raise EvalError("division by zero") from None
        except OverflowError:
            raise EvalError(f"the result of {op} is out of range") from None
        if not _SMALLEST <= result <= _LARGEST:  # also false for infinity and NaN
            raise EvalError(f"the result of {op} is out of range (beyond ±1.8e308)")
        return result

    return arithmetic


def _joined(env: Env, a: Any, b: Any) -> Any:
    """`+` of two strings or two lists: the budget is checked before the copy is made."""
    if isinstance(a, str):
        budget_of(env).text(len(a) + len(b))
    else:
        budget_of(env).collection(len(a) + len(b))
    return a + b


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)

"""Compiling one expression or template of a YAML file, so that its errors, at load
time and at run time, name the file, line and column."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from wxcc_policy.errors import CompileProblem, EvalError, EvalFailure, SyntaxProblem, UsageError
from wxcc_policy.inputs.config_files import YamlFile
from wxcc_policy.lang.ast import Node
from wxcc_policy.lang.compiler import Compiler
from wxcc_policy.lang.parser import parse_expression
from wxcc_policy.lang.shapes import Shape
from wxcc_policy.lang.template import make_renderer, parse_template
from wxcc_policy.lang.values import brief
from wxcc_policy.rules.model import Env, Fn, Render


def parse_at(file: YamlFile, parts: tuple[str | int, ...]) -> Node:
    text = value_at(file.data, parts)
    try:
        return parse_expression(text)
    except SyntaxProblem as exc:
        raise UsageError(f"syntax error: {exc.message}", file.where(parts, exc.offset)) from None


def value_at(data: Any, parts: tuple[str | int, ...]) -> Any:
    for p in parts:
        data = data[p]
    return data


def locate_errors(fn: Fn, where: str) -> Fn:
    def located(env: Env) -> Any:
        try:
            return fn(env)
        except EvalError as exc:
            raise exc.located(where) from None
        except RecursionError:
            raise EvalFailure("recursion too deep", where) from None
        except RUNTIME_FAULTS as exc:  # a case no check foresaw: still a located one-liner
            raise fault_failure(exc, where) from None

    return located


# Python exceptions that evaluating an expression could raise on values no check foresaw.
RUNTIME_FAULTS = (TypeError, ValueError, ArithmeticError, LookupError, AttributeError)


def fault_failure(exc: Exception, where: str) -> EvalFailure:
    return EvalFailure(f"cannot evaluate: {type(exc).__name__}: {brief(str(exc), 120)[1:-1]}", where)


def compile_expression(
    compiler: Compiler, file: YamlFile, parts: tuple[str | int, ...], scope: dict[str, Shape], located: bool = True
) -> tuple[Fn, Shape]:
    """Compile one expression. Unless `located` is False (a hot loop that attributes
    errors itself), errors raised while evaluating it name its file:line:column."""
    node = parse_at(file, parts)
    try:
        fn, shape = compiler.compile(node, scope)
    except CompileProblem as exc:
        raise UsageError(exc.message, file.where(parts, exc.offset)) from None
    return (locate_errors(fn, file.where(parts)) if located else fn), shape


def compile_template(
    compiler: Compiler,
    file: YamlFile,
    parts: tuple[str | int, ...],
    scope: dict[str, Shape],
    escape: Callable[[str], str] | None = None,
) -> Render:
    text = value_at(file.data, parts)
    try:
        pieces: list[str | Fn] = []
        for piece in parse_template(text):
            if isinstance(piece, str):
                pieces.append(piece)
                continue
            _offset, node = piece
            try:
                pieces.append(compiler.compile(node, scope)[0])
            except CompileProblem as exc:
                raise SyntaxProblem(exc.message, exc.offset) from None
    except SyntaxProblem as exc:
        raise UsageError(exc.message, file.where(parts, exc.offset)) from None
    renderer = make_renderer(pieces, escape)
    return locate_errors(renderer, file.where(parts))

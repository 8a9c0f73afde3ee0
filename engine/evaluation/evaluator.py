"""Running compiled policies over one document."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from wxcc_policy.errors import EvalError, EvalFailure
from wxcc_policy.evaluation.raw_findings import RawFinding, RawFix, RawOperation
from wxcc_policy.lang.names import PARAMS
from wxcc_policy.lang.runtime import Runtime
from wxcc_policy.lang.speedups import failing_items
from wxcc_policy.lang.values import sort_key
from wxcc_policy.rules.expressions import RUNTIME_FAULTS, fault_failure
from wxcc_policy.rules.model import Env, Fix, Fn, Loop, Policy, Report

if TYPE_CHECKING:
    from wxcc_policy.evaluation.tracer import Tracer


def policy_env(policy: Policy, runtime: Runtime, params: dict[str, Any], tracer: Tracer | None = None) -> Env:
    env = dict(runtime.base)
    env[PARAMS] = params
    for name, fn in policy.defines:
        env[name] = fn(env)
        if tracer is not None:
            tracer.define(name, env[name])
    return env


def evaluate(policy: Policy, runtime: Runtime, params: dict[str, Any], tracer: Tracer | None = None) -> list[RawFinding]:
    """The findings of one policy. With a tracer (`explain`), every step is recorded as it
    happens, and the general loop runs instead of the bulk and fused paths, so that each
    element is seen; without one, nothing is recorded and nothing is slower."""
    found: list[RawFinding] = []
    detach = tracer.attach(runtime) if tracer is not None else None
    try:
        env = policy_env(policy, runtime, params, tracer)
        if tracer is not None:
            tracer.body(tuple(loop.name for loop in policy.loops))
        _run_level(policy, env, 0, found, tracer)
    except RecursionError:
        raise EvalFailure("recursion too deep", policy.file.where(), policy.info.id) from None
    except EvalFailure as exc:
        raise exc.in_policy(policy.info.id) from None
    finally:
        if detach is not None:
            detach()
    return found


def _run_level(policy: Policy, env: Env, level: int, found: list[RawFinding], tracer: Tracer | None) -> None:
    if level == len(policy.loops):
        _check(policy, env, found, tracer)
        return
    loop = policy.loops[level]
    name, where = loop.name, loop.where
    items = loop.items(env) or ()
    if tracer is None and level + 1 == len(policy.loops) and not policy.lets:
        _run_innermost(policy, env, loop, items, found)
        return
    for item in items:
        env[name] = item
        if tracer is not None:
            tracer.element(level, name, item)
        if where is None or _attributed(where, env, loop.where_at):
            if tracer is not None:
                tracer.selected(level)
            _run_level(policy, env, level + 1, found, tracer)


def _run_innermost(policy: Policy, env: Env, loop: Loop, items: Any, found: list[RawFinding]) -> None:
    """The hot path: one element at a time, two calls each at most. Errors are
    attributed by remembering which expression ran last, not by wrapping each."""
    name, where, check = loop.name, loop.where, policy.check
    stage = loop.where_at
    if where is None and policy.bulk_check is not None:
        stage = policy.check_at
        try:
            failures = failing_items(policy.bulk_check, env, items)
        except EvalError as exc:
            raise exc.located(stage) from None
        for item in failures:
            env[name] = item
            found.append(_report(policy, env))
        return
    try:
        for item in items:
            env[name] = item
            stage = loop.where_at
            if where is None or where(env):
                stage = policy.check_at
                if not check(env):
                    found.append(_report(policy, env))
    except EvalError as exc:
        raise exc.located(stage) from None
    except RUNTIME_FAULTS as exc:
        raise fault_failure(exc, stage) from None


def _attributed(fn: Fn, env: Env, where: str) -> Any:
    try:
        return fn(env)
    except EvalError as exc:
        raise exc.located(where) from None
    except RUNTIME_FAULTS as exc:
        raise fault_failure(exc, where) from None


def _check(policy: Policy, env: Env, found: list[RawFinding], tracer: Tracer | None) -> None:
    for name, fn in policy.lets:
        env[name] = fn(env)
        if tracer is not None:
            tracer.bind(name, "let", env[name])
    outcome = _attributed(policy.check, env, policy.check_at)
    if tracer is not None:
        tracer.condition(outcome)
    if not outcome:
        found.append(_report(policy, env, tracer))


def _impact(report: Report, scope: Env) -> tuple[str, int | float] | None:
    if report.impact is None:
        return None
    measure, value = report.impact
    number = value(scope)
    return None if number is None else (measure, number)


def _report(policy: Policy, env: Env, tracer: Tracer | None = None) -> RawFinding:
    scope = dict(env)
    report = policy.report
    for name, fn in report.lets:
        scope[name] = fn(scope)
        if tracer is not None:
            tracer.bind(name, "report", scope[name])
    field = report.field(scope) if report.field else None
    # Messages are single lines: YAML folding can leave line breaks around {...} parts.
    message = " ".join(report.message(scope).split())
    remedy = _fix(report.fix, scope) if report.fix is not None else None
    raw = RawFinding(policy.info, report.at(scope), field, report.key(scope), message, scope, _impact(report, scope), remedy)
    if tracer is not None:
        tracer.finding(raw)
    return raw


def _fix(fix: Fix, scope: Env) -> RawFix | None:
    """The fix of one finding: None when `when` fails or a choice has no candidate; only
    the candidates when there are several (the tool does not pick one)."""
    if fix.when is not None and not fix.when(scope):
        return None
    env = scope
    if fix.choice is not None:
        candidates = _distinct(fix.choice.source(scope) or ())
        if len(candidates) != 1:
            return RawFix((), tuple(candidates)) if candidates else None
        env = {**scope, fix.choice.name: candidates[0]}
    return RawFix(tuple(_operation(op, env) for op in fix.operations))


def _operation(op: Any, env: Env) -> RawOperation:
    field = op.field(env) if op.field is not None else None
    return RawOperation(op.op, op.at(env), field, op.value(env) if op.value is not None else None)


def _distinct(values: Any) -> list[Any]:
    if isinstance(values, (set, frozenset)):  # a set's order is not the same from run to run
        values = sorted(values, key=sort_key)
    out: list[Any] = []
    for value in values:
        if value not in out:
            out.append(value)
    return out

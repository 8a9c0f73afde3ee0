"""Running compiled policies over one document."""

from __future__ import annotations

from itertools import compress
from operator import not_
from typing import Any, NamedTuple

from wxcc_policy.lang.runtime import Runtime
from wxcc_policy.lang.values import EvalError
from wxcc_policy.rules.model import Env, EvalFailure, Fn, Loop, Policy, PolicyInfo


class RawFinding(NamedTuple):
    """A finding before it is located: `target` is the document element it is about."""

    policy: PolicyInfo
    target: Any
    field: str | None
    entity: str
    message: str
    env: dict[str, Any]  # the bindings that made it fire, for `explain`


def policy_env(policy: Policy, runtime: Runtime, params: dict[str, Any]) -> Env:
    env = dict(runtime.base)
    env["params"] = params
    for name, fn in policy.defines:
        env[name] = fn(env)
    return env


def evaluate(policy: Policy, runtime: Runtime, params: dict[str, Any]) -> list[RawFinding]:
    env = policy_env(policy, runtime, params)
    found: list[RawFinding] = []
    try:
        _run_level(policy, env, 0, found)
    except RecursionError:
        raise EvalFailure("recursion too deep", policy.file.where()) from None
    return found


def _run_level(policy: Policy, env: Env, level: int, found: list[RawFinding]) -> None:
    if level == len(policy.loops):
        _check(policy, env, found)
        return
    loop = policy.loops[level]
    name, where = loop.name, loop.where
    items = loop.items(env) or ()
    if level + 1 == len(policy.loops) and not policy.lets:
        _run_innermost(policy, env, loop, items, found)
        return
    for item in items:
        env[name] = item
        if where is None or _attributed(where, env, loop.where_at):
            _run_level(policy, env, level + 1, found)


def _run_innermost(policy: Policy, env: Env, loop: Loop, items: Any, found: list[RawFinding]) -> None:
    """The hot path: one element at a time, two calls each at most. Errors are
    attributed by remembering which expression ran last, not by wrapping each."""
    name, where, check = loop.name, loop.where, policy.check
    stage = loop.where_at
    if where is None and policy.bulk_check is not None:
        stage = policy.check_at
        try:
            items = list(items)
            results = policy.bulk_check(env, items)
        except EvalError as exc:
            raise EvalFailure(str(exc), stage) from None
        for item in compress(items, map(not_, results)):  # the failures, picked at C speed
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
        raise EvalFailure(str(exc), stage) from None


def _attributed(fn: Fn, env: Env, where: str) -> Any:
    try:
        return fn(env)
    except EvalError as exc:
        raise EvalFailure(str(exc), where) from None


def _check(policy: Policy, env: Env, found: list[RawFinding]) -> None:
    for name, fn in policy.lets:
        env[name] = fn(env)
    if not _attributed(policy.check, env, policy.check_at):
        found.append(_report(policy, env))


def _report(policy: Policy, env: Env) -> RawFinding:
    scope = dict(env)
    report = policy.report
    for name, fn in report.lets:
        scope[name] = fn(scope)
    field = report.field(scope) if report.field else None
    # Messages are single lines: YAML folding can leave line breaks around {...} parts.
    message = " ".join(report.message(scope).split())
    return RawFinding(policy.info, report.at(scope), field, report.key(scope), message, scope)

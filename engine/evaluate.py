"""Running compiled policies over one document."""

from __future__ import annotations

from typing import Any, NamedTuple

from wxcc_policy.lang.runtime import Runtime
from wxcc_policy.policyset import Env, EvalFailure, Policy, PolicyInfo


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
        check = policy.check  # the hot path: one loop, no bindings
        for item in items:
            env[name] = item
            if (where is None or where(env)) and not check(env):
                found.append(_report(policy, env))
        return
    for item in items:
        env[name] = item
        if where is None or where(env):
            _run_level(policy, env, level + 1, found)


def _check(policy: Policy, env: Env, found: list[RawFinding]) -> None:
    for name, fn in policy.lets:
        env[name] = fn(env)
    if not policy.check(env):
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


class PointerIndex:
    """Finds the JSON Pointer of a document element by identity, indexing one level of
    depth at a time and only as deep as asked (elements of root arrays are level 2)."""

    def __init__(self, root: Any) -> None:
        self._pointers: dict[int, str] = {id(root): ""}
        self._frontier: list[tuple[Any, str]] = [(root, "")]

    def pointer(self, element: Any) -> str | None:
        while id(element) not in self._pointers and self._frontier:
            self._descend()
        return self._pointers.get(id(element))

    def _descend(self) -> None:
        frontier, self._frontier = self._frontier, []
        pointers = self._pointers
        for value, pointer in frontier:
            pairs = value.items() if isinstance(value, dict) else enumerate(value)
            for key, child in pairs:
                if isinstance(child, (dict, list)) and id(child) not in pointers:
                    child_pointer = f"{pointer}/{_escape(str(key))}"
                    pointers[id(child)] = child_pointer
                    self._frontier.append((child, child_pointer))


def _escape(segment: str) -> str:
    return segment.replace("~", "~0").replace("/", "~1") if ("~" in segment or "/" in segment) else segment

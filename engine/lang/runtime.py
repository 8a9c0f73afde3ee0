"""Per-document evaluation state: lazily computed library values, memoised functions."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, NamedTuple

from wxcc_policy.lang.budget import CALL_STEPS, NO_BUDGET, Budget
from wxcc_policy.lang.names import BUDGET_KEY, RUNTIME_KEY
from wxcc_policy.lang.speedups import SCALARS, class_of

Env = dict[str, Any]
_MISSING = object()


class CompiledFunction(NamedTuple):
    params: tuple[str, ...]
    body: Callable[[Env], Any]


class Runtime:
    """One per document: every library value is computed at most once, and a library
    function is computed once per distinct scalar arguments (all functions are pure)."""

    def __init__(
        self,
        base: Env,
        values: dict[str, Callable[[Env], Any]],
        functions: dict[str, CompiledFunction],
    ) -> None:
        self.base = base
        base[RUNTIME_KEY] = self
        self._value_fns = values
        self._functions = functions
        self._values: dict[str, Any] = {}
        self._memo: dict[tuple[Any, ...], Any] = {}
        self._free_envs: dict[str, list[Env]] = {}  # per function, environments not in use
        self.budget: Budget = base.get(BUDGET_KEY, NO_BUDGET)

    def value(self, name: str) -> Any:
        try:
            return self._values[name]
        except KeyError:
            result = self._values[name] = self._value_fns[name](self.base)
            return result

    def call(self, name: str, args: list[Any]) -> Any:
        # memo_key, inlined: this runs for every library call (over a million on a
        # portfolio of small tenants), so its cost is the call's overhead.
        for a in args:
            if not isinstance(a, SCALARS):
                key = None
                break
        else:
            key = (name, *args, *map(class_of, args))
            result = self._memo.get(key, _MISSING)
            if result is not _MISSING:
                return result
        budget = self.budget  # Budget.spend(CALL_STEPS), inlined: a method call costs as much
        budget.left -= CALL_STEPS
        if budget.left < budget.checkpoint:
            budget.check()
        fn = self._functions[name]
        free = self._free_envs.get(name)
        if free is None:
            free = self._free_envs[name] = []
        # An environment per function, reused: copying the base for every call cost a quarter
        # of the call. A call of a function whose environment is in use (recursion) gets a copy.
        env = free.pop() if free else self.base.copy()
        params = fn.params
        if len(params) == len(args) <= 2:  # the usual arities, bound without a zip (5x faster)
            if params:
                env[params[0]] = args[0]
                if len(params) == 2:
                    env[params[1]] = args[1]
        else:
            env.update(zip(params, args, strict=False))
        try:
            result = fn.body(env)
        finally:
            free.append(env)
        if key is not None:
            self._memo[key] = result
        return result

    def release(self) -> None:
        """Done with the document. The runtime, its base and its environments refer to each
        other: with garbage collection paused (as `check` runs), that cycle would keep every
        document alive until the end of the run. Emptying the base and dropping the
        environments breaks it, so the document is freed here."""
        self.base.clear()
        self._free_envs.clear()

    def rebased(self) -> None:
        """The base changed (the evaluation date is set once the runtime exists): environments
        copied from it before are dropped."""
        self._free_envs.clear()

    def observe(self, hook: Observer | None) -> None:
        """Route value() and call() through `hook(name, args, compute)` (args None for a
        value), or stop. Only this instance's methods are shadowed: an unobserved runtime
        pays nothing. `explain` records derived values this way (evaluation/tracer.py)."""
        if hook is None:
            vars(self).pop("value", None)
            vars(self).pop("call", None)
            return
        value, call = self.value, self.call
        setattr(self, "value", lambda name: hook(name, None, lambda: value(name)))  # noqa: B010
        setattr(self, "call", lambda name, args: hook(name, args, lambda: call(name, args)))  # noqa: B010


Observer = Callable[[str, "list[Any] | None", Callable[[], Any]], Any]

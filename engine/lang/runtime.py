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
        self.budget: Budget = base.get(BUDGET_KEY, NO_BUDGET)
        self.observed = False  # inlined calls (lang/inlining.py) go through call() while observed

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
        self.budget.spend(CALL_STEPS)
        fn = self._functions[name]
        env = self.base.copy()
        params = fn.params
        if len(params) == len(args) <= 2:  # the usual arities, bound without a zip (5x faster)
            if params:
                env[params[0]] = args[0]
                if len(params) == 2:
                    env[params[1]] = args[1]
        else:
            env.update(zip(params, args, strict=False))
        result = fn.body(env)
        if key is not None:
            self._memo[key] = result
        return result

    def release(self) -> None:
        """Done with the document. The runtime and its base refer to each other: with garbage
        collection paused (as `check` runs), that cycle would keep every document alive until
        the end of the run. Emptying the base breaks it, so the document is freed here."""
        self.base.clear()

    def observe(self, hook: Observer | None) -> None:
        """Route value() and call() through `hook(name, args, compute)` (args None for a
        value), or stop. Only this instance's methods are shadowed: an unobserved runtime
        pays nothing. `explain` records derived values this way (evaluation/tracer.py)."""
        self.observed = hook is not None
        if hook is None:
            vars(self).pop("value", None)
            vars(self).pop("call", None)
            return
        value, call = self.value, self.call
        setattr(self, "value", lambda name: hook(name, None, lambda: value(name)))  # noqa: B010
        setattr(self, "call", lambda name, args: hook(name, args, lambda: call(name, args)))  # noqa: B010


Observer = Callable[[str, "list[Any] | None", Callable[[], Any]], Any]

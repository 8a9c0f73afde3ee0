"""Per-document evaluation state: lazily computed library values, memoised functions."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, NamedTuple

from wxcc_policy.lang.compiler import RUNTIME_KEY

Env = dict[str, Any]
_SCALARS = (str, int, float, bool, type(None))


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

    def value(self, name: str) -> Any:
        try:
            return self._values[name]
        except KeyError:
            result = self._values[name] = self._value_fns[name](self.base)
            return result

    def call(self, name: str, args: list[Any]) -> Any:
        key = (name, *args) if all(isinstance(a, _SCALARS) for a in args) else None
        if key is not None and key in self._memo:
            return self._memo[key]
        fn = self._functions[name]
        env = dict(self.base)
        env.update(zip(fn.params, args, strict=False))
        result = fn.body(env)
        if key is not None:
            self._memo[key] = result
        return result

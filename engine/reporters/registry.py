"""One registry shape for every subject's output formats: a name → where its renderer lives.

Each subject (check, change, forecast, explain, catalog, portfolio) has one `Registry`; its
names feed that command's `--format` choices, and the configuration schema's `format` enum is
tested against them (tests/test_session.py). A format's module is imported when it is used:
the command line lists the names without paying for every format at start-up.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Iterator
from typing import Any, Generic, TypeVar

R = TypeVar("R", bound=Callable[..., Any])


class Registry(Generic[R]):
    """`{name: "module"}` (the module's `chunks`, else its `render`) or `{name: "module:function"}`,
    modules named relative to `wxcc_policy.reporters`."""

    def __init__(self, subject: str, formats: dict[str, str]) -> None:
        self.subject = subject
        self._formats = dict(formats)

    def __contains__(self, name: object) -> bool:
        return name in self._formats

    def __iter__(self) -> Iterator[str]:
        return iter(self._formats)

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(self._formats)

    def renderer(self, name: str) -> R:
        """The renderer of one format (a KeyError for a name the registry lacks)."""
        module, _, function = self._formats[name].partition(":")
        found = importlib.import_module(f"wxcc_policy.reporters.{module}")
        renderer: R = getattr(found, function) if function else getattr(found, "chunks", found.render)
        return renderer

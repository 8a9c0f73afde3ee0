"""Output formats: a registry from name to renderer. Adding one is a module plus a line."""

from __future__ import annotations

import importlib
from collections.abc import Callable, Iterable

from wxcc_policy.errors import UsageError
from wxcc_policy.evaluation.results import RunResult

# A report as a string, or in pieces (`chunks`) as a long one is rendered: the writer
# takes either, so a report over thousands of files is never held whole.
Renderer = Callable[[RunResult, bool], str | Iterable[str]]


def _lazy(module: str, function: str = "chunks") -> Renderer:
    """A format's module is imported when it is used: the command line lists the names
    (click choices) without paying for every format at start-up. A module that can render
    in pieces has `chunks`; every module has `render`, the whole report as one string."""

    def render(run: RunResult, color: bool) -> str | Iterable[str]:
        found = importlib.import_module(f"wxcc_policy.reporters.{module}")
        renderer: Renderer = getattr(found, function, found.render)
        return renderer(run, color)

    return render


REPORTERS: dict[str, Renderer] = {
    "text": _lazy("text_report"),
    "json": _lazy("json_report"),
    "sarif": _lazy("sarif"),
    "junit": _lazy("junit"),
    "github": _lazy("github"),
    "gitlab": _lazy("gitlab"),
}


def reporter(fmt: str, show_keys: bool = False) -> Renderer:
    """The renderer of a format; `show_keys` (text only: every other format but github's
    and gitlab's carries the key already) adds each finding's key."""
    if not show_keys:
        return REPORTERS[fmt]
    if fmt != "text":
        raise UsageError(f"--show-keys is for the text format (--format {fmt}: the JSON, SARIF and JUnit reports carry each key)")
    return _lazy("text_report", "keyed_chunks")


HUMAN_FORMATS = frozenset({"text", "github"})  # end with the summary line a CI log shows

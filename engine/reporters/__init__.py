"""Output formats: a registry from name to renderer. Adding one is a module plus a line."""

from __future__ import annotations

from collections.abc import Callable

from wxcc_policy.evaluation.results import RunResult
from wxcc_policy.reporters import json_report, text_report

Renderer = Callable[[RunResult, bool], str]

REPORTERS: dict[str, Renderer] = {
    "text": text_report.render,
    "json": json_report.render,
}

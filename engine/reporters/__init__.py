"""Output formats, one registry per subject (registry.py): adding a format is a module (or a
function) plus one line here. The renderer's arguments are the subject's:

- CHECK, CHANGE, FORECAST: `(run, color)`, a string or an iterator of pieces (a long report
  is rendered as it is written, never held whole);
- EXPLAIN: `(explanation)`; CATALOG: `(policies, parameters)`; PORTFOLIO: `(portfolio)`; TEST: `(test report)`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from wxcc_policy.errors import UsageError
from wxcc_policy.reporters.registry import Registry

Text = str | Iterable[str]

CHECK: Registry[Callable[[Any, bool], Text]] = Registry(
    "check",
    {
        "text": "text_report",
        "json": "json_report",
        "sarif": "sarif",
        "junit": "junit",
        "github": "github",
        "gitlab": "gitlab",
        "rdjson": "rdjson",
    },
)
# diff and plan: their own text and JSON; the pipeline formats render the change as a
# check's result, each finding with its state (new, unchanged, resolved).
CHANGE: Registry[Callable[[Any, bool], Text]] = Registry(
    "change",
    {
        "text": "change_text:render",
        "json": "change_json:render",
        "sarif": "change_formats:sarif",
        "junit": "change_formats:junit",
        "github": "change_formats:github",
        "gitlab": "change_formats:gitlab",
        "rdjson": "change_formats:rdjson",
    },
)
FORECAST: Registry[Callable[[Any, bool], Text]] = Registry(
    "forecast",
    {"text": "forecast_report:render_text", "json": "forecast_report:render_json", "markdown": "forecast_report:render_markdown"},
)
EXPLAIN: Registry[Callable[[Any], str]] = Registry("explain", {"text": "explanation:render_text", "json": "explanation_json:render_json"})
CATALOG: Registry[Callable[[Any, Any], str]] = Registry(
    "catalog", {"text": "catalog:render_lines", "markdown": "catalog:render_markdown", "json": "catalog:render_json"}
)
PORTFOLIO: Registry[Callable[[dict[str, Any]], Text]] = Registry(
    "portfolio",
    {
        "html": "portfolio.html:chunks",
        "markdown": "portfolio.markdown:render",
        "csv": "portfolio.csv_report:chunks",
        "json": "portfolio.json_portfolio:chunks",
    },
)
TEST: Registry[Callable[[Any], str]] = Registry("test", {"text": "policy_tests:render_text", "json": "policy_tests:render_json"})
# fix: the change it writes for one snapshot, `(fixed file)` (reporters/fix_patch.py)
FIX: Registry[Callable[[Any], str]] = Registry("fix", {"json": "fix_patch:render_json", "yaml": "fix_patch:render_yaml"})
SUBJECTS = (CHECK, CHANGE, FORECAST, EXPLAIN, CATALOG, PORTFOLIO, TEST, FIX)


def check_renderer(fmt: str, show_keys: bool = False) -> Callable[[Any, bool], Text]:
    """A check format's renderer; `show_keys` (text only: the other formats carry each key
    already, or have no place for one) adds each finding's key below it."""
    if not show_keys:
        return CHECK.renderer(fmt)
    if fmt != "text":
        raise UsageError(f"--show-keys is for the text format (--format {fmt}: the JSON, SARIF and JUnit reports carry each key)")
    from wxcc_policy.reporters.text_report import keyed_chunks

    return keyed_chunks


HUMAN_FORMATS = frozenset({"text", "github"})
# Formats that show a finding's fix where it applies: the run attaches the fixes as text
# edits, and the lines they touch, for them (CheckSettings.source_edits).
SHOWS_FIXES = frozenset({"sarif", "rdjson"})  # end with the summary line a CI log shows

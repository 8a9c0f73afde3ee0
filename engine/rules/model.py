"""The records that compiled policies and libraries are made of."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, NamedTuple

from wxcc_policy.errors import EvalFailure
from wxcc_policy.inputs.config_files import YamlFile
from wxcc_policy.lang.speedups import BulkFn

__all__ = [
    "Choice",
    "DocumentSpec",
    "Env",
    "EvalFailure",
    "Fix",
    "FixOperation",
    "Fn",
    "LibraryEntry",
    "Loop",
    "Parameter",
    "Policy",
    "PolicyInfo",
    "Render",
    "Report",
]

Env = dict[str, Any]
Fn = Callable[[Env], Any]
Render = Callable[[Env], str]


class Parameter(NamedTuple):
    name: str
    default: Any
    schema: dict[str, Any]
    description: str


class PolicyInfo(NamedTuple):
    id: str
    title: str
    severity: str
    description: str
    rationale: str
    remediation: str
    parameters: tuple[Parameter, ...]
    source: str
    report_at: str = ""  # file:line:column of `report.at`, for errors about the element it gives


class Loop(NamedTuple):
    name: str
    items: Fn
    where: Fn | None  # not wrapped by locate_errors: the loop attributes its errors to where_at
    where_at: str


class FixOperation(NamedTuple):
    """One operation of a policy's `fix:`: `at` gives the document element, `field` the
    path inside it (as `report.at`/`field` do), `value` what to write (not for remove)."""

    op: str  # replace | add | remove
    at: Fn
    field: Render | None
    value: Fn | None


class Choice(NamedTuple):
    """A fix that needs a value only one candidate makes obvious: `source` gives the
    candidates; with exactly one, it is bound to `name` for the operations."""

    name: str
    source: Fn


class Fix(NamedTuple):
    operations: tuple[FixOperation, ...]
    choice: Choice | None
    when: Fn | None  # no fix unless it holds


class Report(NamedTuple):
    at: Fn
    field: Render | None
    key: Render
    message: Render
    lets: tuple[tuple[str, Fn], ...]
    impact: tuple[str, Fn] | None = None  # what one finding costs: a measure's name (data) and its value
    fix: Fix | None = None


class Policy(NamedTuple):
    info: PolicyInfo
    defines: tuple[tuple[str, Fn], ...]
    loops: tuple[Loop, ...]
    lets: tuple[tuple[str, Fn], ...]
    check: Fn  # not wrapped by locate_errors: the loop attributes its errors to check_at
    check_at: str
    bulk_check: BulkFn | None  # the check over a whole collection, when its form allows
    report: Report
    file: YamlFile


class DocumentSpec(NamedTuple):
    schema: str
    root_names: tuple[str, ...]
    as_of: Fn
    subject: Fn


class LibraryEntry(NamedTuple):
    name: str
    kind: str  # "value" or "function"
    params: tuple[str, ...]
    description: str
    source: str
    expression: str

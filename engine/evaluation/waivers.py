"""Waivers: accepted risk with an owner and an expiry, applied to a run's findings.

Declared in a waiver file or under `waivers:` in the configuration (one schema for both),
and applied after evaluation, as a separate step: `apply_waivers` maps a RunResult to a
RunResult. Expiry is judged on each file's evaluation date (`--as-of` or `capturedAt`),
never on the clock: a waiver applies through its `expires` day, and no longer from the
day after.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from collections.abc import Collection, Iterable, Sequence
from functools import cache
from pathlib import Path
from typing import Any, NamedTuple

from wxcc_policy.errors import UsageError, did_you_mean, not_found
from wxcc_policy.evaluation.results import FileResult, FileResults, Finding, Notice, RunResult, Waiver
from wxcc_policy.inputs.config_files import YamlFile, read_yaml_file
from wxcc_policy.inputs.pointers import split_pointer
from wxcc_policy.inputs.positions import line_columns
from wxcc_policy.inputs.yaml_reader import node_at
from wxcc_policy.validation.schemas import violations

DEFAULT_WARNING_DAYS = 14
DEFAULT_MAX_DAYS = 365

# The schema says "key, or policy" with `dependentSchemas` and `if/else`; its validator's
# words for those are about schemas, not about waivers.
_REWORDED = {
    "missing required property 'policy'": "a waiver needs 'key' (one finding) or 'policy' (with optional 'tenant' and 'pointer')",
    "False schema": "'key' matches one finding exactly and cannot be combined with 'policy', 'tenant' or 'pointer'",
}


class WaiverRule(NamedTuple):
    """One declared waiver: what it matches, and the accepted risk it records."""

    reference: str  # file:line:column of the waiver
    reason: str
    owner: str
    granted: dt.date
    expires: dt.date
    ticket: str | None = None
    key: str | None = None
    policy: str | None = None
    tenant: str | None = None
    pointer: str | None = None  # a glob over JSON Pointers

    @property
    def policy_id(self) -> str:
        return self.policy if self.policy is not None else str(self.key).partition(":")[0]

    @property
    def label(self) -> str:
        """How messages name the waiver: its key, or its policy, tenant and pointer."""
        if self.key is not None:
            return self.key
        return f"{self.policy}:{self.tenant or '*'}:{self.pointer or '**'}"

    @property
    def accountable(self) -> str:
        return f"{self.owner}, {self.ticket}" if self.ticket else self.owner

    def matches(self, finding: Finding, tenant: str | None) -> bool:
        if self.key is not None:
            return finding.key == self.key
        return (
            finding.policy == self.policy
            and (self.tenant is None or self.tenant == tenant)
            and (self.pointer is None or pointer_glob(self.pointer).fullmatch(finding.pointer) is not None)
        )

    def waiver(self) -> Waiver:
        return Waiver(self.reference, self.owner, self.reason, self.expires.isoformat(), self.ticket)


class WaiverSettings(NamedTuple):
    rules: tuple[WaiverRule, ...]
    policy_ids: tuple[str, ...]  # the policies the run evaluated: waivers of the others are not judged unused
    warning_days: int = DEFAULT_WARNING_DAYS
    fail_on_unused: bool = False


@cache
def pointer_glob(glob: str) -> Any:
    """`**` spans any number of segments, none included (`/a/**/b` matches `/a/b`, `/a/**`
    matches `/a`), `*` stays within one, `?` is one character. Matched by RE2, in time
    linear in the pointer: thirty `*` in a row made Python's backtracking engine run for
    ever. The waiver schema bounds a glob to 1,024 characters."""
    import re2  # a run without pointer waivers does not pay for the import

    parts = re.split(r"(/\*\*/|/\*\*$|\*\*|\*|\?)", glob)
    wild = {"/**/": "/(?:.*/)?", "/**": "(?:/.*)?", "**": ".*", "*": "[^/]*", "?": "[^/]"}
    options = re2.Options()
    options.log_errors = False
    options.dot_nl = True  # a key may hold a line break: `**` spans it too
    return re2.compile("".join(wild.get(p, re2.escape(p)) for p in parts), options)


# Loading -------------------------------------------------------------------------------


def load_waiver_file(path: Path, max_days: int = DEFAULT_MAX_DAYS) -> tuple[WaiverRule, ...]:
    if not path.is_file():
        raise not_found("waiver file", str(path))
    file = read_yaml_file(path)
    return waivers_in(file, file.data, max_days)


def waivers_in(file: YamlFile, document: dict[str, Any], max_days: int = DEFAULT_MAX_DAYS) -> tuple[WaiverRule, ...]:
    """The waivers of a validated document: a whole waiver file, or `{"waivers": ...}` taken
    from a configuration file (same pointers, so errors are located in that file)."""
    problems = violations("waivers", document)
    if problems:
        first = problems[0]
        message = next((text for start, text in _REWORDED.items() if first.message.startswith(start)), first.message)
        field = f" (at {first.pointer})" if first.pointer else ""
        raise UsageError(f"{message}{field}", file.where(split_pointer(first.pointer)))
    items = document["waivers"]
    references = _references(file, len(items))
    return tuple(_rule(file, index, item, max_days, references[index]) for index, item in enumerate(items))


def _references(file: YamlFile, count: int) -> list[str]:
    """`file:line:column` of each waiver, in one sweep over the text (a `where` per waiver
    would count lines from the start each time: quadratic for a thousand waivers)."""
    if file.root is None:
        return [file.where()] * count
    offsets = [node_at(file.root, ("waivers", str(i))).start_mark.index for i in range(count)]
    positions = line_columns(file.text, offsets)
    return [f"{file.path}:{positions[o][0]}:{positions[o][1]}" for o in offsets]


def _rule(file: YamlFile, index: int, item: dict[str, Any], max_days: int, reference: str) -> WaiverRule:
    granted, expires = dt.date.fromisoformat(item["granted"]), dt.date.fromisoformat(item["expires"])
    problem = _duration_problem(granted, expires, max_days)
    if problem:
        raise UsageError(problem, file.where(("waivers", index, "expires")))
    fields = {name: item.get(name) for name in ("ticket", "key", "policy", "tenant", "pointer")}
    return WaiverRule(reference, item["reason"], item["owner"], granted, expires, **fields)


def _duration_problem(granted: dt.date, expires: dt.date, max_days: int) -> str:
    """No exception is granted forever: `expires` at most `max_days` after `granted`."""
    days = (expires - granted).days
    if days < 0:
        return f"expires {expires} is before granted {granted}"
    if days > max_days:
        limit = f"a waiver lasts at most maxWaiverDays ({max_days}) days: renew it instead"
        return f"expires {expires} is {days} days after granted {granted}; {limit}"
    return ""


def check_policy_ids(rules: Iterable[WaiverRule], known: Collection[str]) -> None:
    """A waiver for a policy that does not exist would silently never apply."""
    for rule in rules:
        if rule.policy_id not in known:
            raise UsageError(f"waiver for unknown policy id {rule.policy_id!r}{did_you_mean(rule.policy_id, known)}", rule.reference)


# Applying ------------------------------------------------------------------------------


_Index = tuple[dict[str, list[int]], dict[str, list[int]]]  # waiver indexes by key, and by policy


class _Tally(NamedTuple):
    """What each waiver (by index) did during one run."""

    matched: Counter[int]
    expired: Counter[int]  # findings that would have been waived, had the waiver not expired
    days_left: dict[int, tuple[int, str]]  # the fewest days left among the files it waived on, with that file's date


def apply_waivers(run: RunResult, settings: WaiverSettings) -> RunResult:
    """The run with matched findings waived, and notices for expired, expiring and unused waivers."""
    tally = _Tally(Counter(), Counter(), {})
    index = _index(settings.rules)
    results = FileResults(_waive_file(result, settings.rules, index, tally) for result in run.results)
    notices = _notices(settings, tally, results)
    return run._replace(
        results=results,
        notices=(*run.notices, *notices),
        fail_on_notices=run.fail_on_notices or settings.fail_on_unused,
    )


def _index(rules: tuple[WaiverRule, ...]) -> _Index:
    by_key: dict[str, list[int]] = {}
    by_policy: dict[str, list[int]] = {}
    for i, rule in enumerate(rules):
        if rule.key is not None:
            by_key.setdefault(rule.key, []).append(i)
        else:
            by_policy.setdefault(str(rule.policy), []).append(i)
    return by_key, by_policy


def _waive_file(result: FileResult, rules: tuple[WaiverRule, ...], index: _Index, tally: _Tally) -> FileResult:
    if not result.findings or result.as_of is None:
        return result
    as_of = dt.date.fromisoformat(result.as_of)
    findings = []
    for finding in result.findings:
        chosen = _choose(finding, result.tenant, as_of, rules, index, tally)
        if chosen is not None:
            left = ((rules[chosen].expires - as_of).days, result.as_of)
            tally.days_left[chosen] = min(tally.days_left.get(chosen, left), left)
            finding = finding._replace(waived=True, waiver=rules[chosen].waiver())
        findings.append(finding)
    return result._replace(findings=tuple(findings))


def _choose(
    finding: Finding, tenant: str | None, as_of: dt.date, rules: tuple[WaiverRule, ...], index: _Index, tally: _Tally
) -> int | None:
    """The first declared waiver that matches the finding and has not expired; every match is tallied."""
    by_key, by_policy = index
    chosen = None
    for i in sorted([*by_key.get(finding.key, ()), *by_policy.get(finding.policy, ())]):
        if not rules[i].matches(finding, tenant):
            continue
        tally.matched[i] += 1
        if as_of > rules[i].expires:
            tally.expired[i] += 1
        elif chosen is None:
            chosen = i
    return chosen


def _notices(settings: WaiverSettings, tally: _Tally, results: Sequence[FileResult]) -> list[Notice]:
    tenants = {r.tenant for r in results if r.as_of is not None and not r.invalid}
    notices = []
    for i, rule in enumerate(settings.rules):
        if tally.expired[i]:
            notices.append(_expired(rule, tally.expired[i]))
        if i in tally.days_left and tally.days_left[i][0] <= settings.warning_days:
            notices.append(_expiring(rule, *tally.days_left[i]))
        if not tally.matched[i] and _in_scope(rule, settings.policy_ids, tenants):
            level = "error" if settings.fail_on_unused else "warning"
            message = f"waiver for {rule.label} matches no finding ({rule.accountable}); remove it"
            notices.append(Notice(level, message, rule.reference, "waiver-unused", rule.label))
    return notices


def _expired(rule: WaiverRule, findings: int) -> Notice:
    counted = "1 finding counts" if findings == 1 else f"{findings} findings count"
    message = f"waiver for {rule.label} expired on {rule.expires} ({rule.accountable}); {counted} again"
    return Notice("warning", message, rule.reference, "waiver-expired", rule.label)


def _expiring(rule: WaiverRule, days_left: int, as_of: str) -> Notice:
    when = f"{days_left} day(s) after the evaluation date {as_of}" if days_left else "the evaluation date: its last day"
    message = f"waiver for {rule.label} expires on {rule.expires}, {when} ({rule.accountable})"
    return Notice("warning", message, rule.reference, "waiver-expiring", rule.label)


def _in_scope(rule: WaiverRule, policy_ids: Collection[str], tenants: set[str | None]) -> bool:
    """Whether the run could have matched the waiver: it evaluated its policy on its tenant.
    Waivers of tenants the run did not read (a hook checking one file) are not judged."""
    if rule.policy_id not in policy_ids or not tenants:
        return False
    if rule.key is not None:
        rest = rule.key[len(rule.policy_id) + 1 :]
        return any(tenant is not None and rest.startswith(f"{tenant}:") for tenant in tenants)
    return rule.tenant is None or rule.tenant in tenants

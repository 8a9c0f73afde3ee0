"""The result model shared by every output format."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from typing import Any, NamedTuple

from wxcc_policy.evaluation.remedy import Remedy
from wxcc_policy.evaluation.spool import Spool
from wxcc_policy.inputs.text_edits import TextEdit

SEVERITIES = ("error", "warning", "info")
SEVERITY_RANK = {"error": 3, "warning": 2, "info": 1}


class Located(NamedTuple):
    message: str
    line: int
    column: int


class SchemaError(NamedTuple):
    pointer: str
    message: str
    line: int
    column: int


# Where a finding stands against a reference (a baseline, or the BEFORE of a change).
# None: no reference was given. "existing"/"unchanged" findings never fail a run.
# "upcoming": not present on the evaluation date, forecast for a later day (check --horizon).
STATES = ("new", "existing", "unchanged", "fixed", "resolved", "upcoming")
NOT_FAILING_STATES = frozenset({"existing", "unchanged", "fixed", "resolved", "upcoming"})


class Waiver(NamedTuple):
    """The accepted risk a finding is waived by: who accepted it, why, until when."""

    reference: str  # where the waiver is declared: file:line:column
    owner: str
    reason: str
    expires: str
    ticket: str | None = None


class Finding(NamedTuple):
    policy: str
    severity: str
    message: str
    pointer: str
    line: int
    column: int
    key: str
    waived: bool = False
    waiver: Waiver | None = None
    state: str | None = None
    impact: tuple[str, int | float] | None = None  # (measure, value), when the policy declares one
    remedy: Remedy | None = None  # what the policy's `fix:` declares for it (evaluation/remedy.py)

    @property
    def counts(self) -> bool:
        """Whether the finding can fail the run (at or above --fail-on)."""
        return not self.waived and self.state not in NOT_FAILING_STATES


class Notice(NamedTuple):
    """A run-level message that is not a finding: an expired or unused waiver, a fixed
    baseline entry. `where` is file:line:column of what it is about, or empty."""

    level: str  # error | warning | info
    message: str
    where: str = ""
    kind: str = ""  # machine-readable: waiver-expired, waiver-expiring, waiver-unused, baseline-fixed, ...
    key: str = ""  # the finding key (or waiver label) the notice is about


class SourceFix(NamedTuple):
    """A finding's fix as text edits of its file (inputs/text_edits.py), for the formats
    that show a fix where it applies (SARIF `fixes`, reviewdog suggestions)."""

    key: str  # the finding's key
    description: str  # what the edits do: "replace /users/3/role with \"agent\""
    edits: tuple[TextEdit, ...] = ()
    refused: str = ""  # why it cannot be a text edit (a value shared through a YAML alias)


class FileResult(NamedTuple):
    file: str
    digest: str
    tenant: str | None = None
    as_of: str | None = None
    parse_error: Located | None = None
    schema_errors: tuple[SchemaError, ...] = ()
    findings: tuple[Finding, ...] = ()
    eval_error: Located | None = None  # a policy failed at run time on this file
    # Only when the run's formats place text in the file (CheckSettings.source_edits):
    fixes: tuple[SourceFix, ...] = ()  # the fixes of its findings, as text edits
    lines: tuple[tuple[int, str], ...] = ()  # (number, text) of the lines its problems and fixes touch

    @property
    def invalid(self) -> bool:
        return self.parse_error is not None or bool(self.schema_errors) or self.eval_error is not None


class Tally(NamedTuple):
    """What a run's summary needs of its results, counted as they are added."""

    findings: Counter[tuple[str, bool, bool]]  # (severity, waived, counts) → how many
    invalid: int
    eval_errors: int

    @staticmethod
    def of(results: Iterable[FileResult]) -> Tally:
        counted = Tally(Counter(), 0, 0)
        for result in results:
            counted = counted.plus(result)
        return counted

    def plus(self, result: FileResult) -> Tally:
        """This tally with one more result (its finding counter is updated in place)."""
        self.findings.update((f.severity, f.waived, f.counts) for f in result.findings)
        return Tally(self.findings, self.invalid + result.invalid, self.eval_errors + (result.eval_error is not None))


class FileResults(Spool[FileResult]):
    """A run's per-file results, on disk (evaluation/spool.py), with what its summary needs
    counted as they are added."""

    def __init__(self, results: Iterable[FileResult] = ()) -> None:
        self._tally = Tally(Counter(), 0, 0)
        super().__init__(results)

    def append(self, result: FileResult) -> None:
        super().append(result)
        self._tally = self._tally.plus(result)

    def tally(self) -> Tally:
        return self._tally

    def __reduce__(self) -> tuple[Any, ...]:
        return (FileResults, (tuple(self),))


def tally(results: Sequence[FileResult]) -> Tally:
    return results.tally() if isinstance(results, FileResults) else Tally.of(results)


class RuleInfo(NamedTuple):
    """A loaded policy as a report describes it (SARIF rules, JUnit test cases)."""

    id: str
    title: str
    severity: str
    description: str = ""
    rationale: str = ""
    remediation: str = ""
    source: str = ""
    enabled: bool = True  # False when --select/--skip left the policy out of the run


class Summary(NamedTuple):
    files: int
    counts: dict[str, int]
    waived: int
    invalid: int
    passed: bool


class RunResult(NamedTuple):
    tool: str
    version: str
    policy_digest: str
    policy_count: int
    fail_on: str
    results: Sequence[FileResult] = ()  # a FileResults when the run checked files
    notices: tuple[Notice, ...] = ()
    fail_on_notices: bool = False  # e.g. --fail-on-unused-waivers: an error notice fails the run
    rules: tuple[RuleInfo, ...] = ()  # every loaded policy, for formats that describe them (SARIF, JUnit)
    baseline: str | None = None  # the baseline file findings were compared with (their state: new/existing)

    def summary(self) -> Summary:
        counts = dict.fromkeys(SEVERITIES, 0)
        waived = failing = 0
        threshold = SEVERITY_RANK[self.fail_on]
        seen = tally(self.results)
        for (severity, is_waived, can_fail), n in seen.findings.items():
            if is_waived:
                waived += n
                continue
            counts[severity] += n
            if can_fail and SEVERITY_RANK[severity] >= threshold:
                failing += n
        invalid = seen.invalid
        notice_fails = self.fail_on_notices and any(n.level == "error" for n in self.notices)
        return Summary(len(self.results), counts, waived, invalid, passed=not failing and not invalid and not notice_fails)

    @property
    def exit_code(self) -> int:
        """2 when a policy failed on some file (the tool could not judge it), else 1 when the
        run failed, else 0: the worst outcome wins (docs/hardening.md)."""
        if tally(self.results).eval_errors:
            return 2
        return 0 if self.summary().passed else 1

"""JUnit XML (`--format junit`), valid against the Apache Ant JUnit schema that Jenkins,
GitLab and most CI systems read.

One `testsuite` per input file (its tenant id, evaluation date and digest as properties),
one `testcase` per loaded policy. The schema allows one outcome per test case, so a policy
with findings has one test case per finding (named by the finding key, a `failure` of type
= severity, with the JSON Pointer and `file:line:column` as body). A file that cannot be
parsed, fails its schema or fails evaluation is an `error` test case, and its policies are
`skipped` (not evaluated). Waived and already-known (baseline) findings are `skipped`,
with the reason. Run-level notices (waivers expired, expiring or unused; baseline entries
fixed) come last, in a suite of their own: one that fails the run is a `failure`, a warning
is `skipped` with its message, the rest pass. Times are 0 and the timestamp is the
evaluation date: same input, same bytes.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections.abc import Iterator

from wxcc_policy.evaluation.results import FileResult, Notice, RuleInfo, RunResult
from wxcc_policy.reporters.locations import relative_path
from wxcc_policy.reporters.problems import EVAL, PARSE, SCHEMA, SYNTHETIC_RULES, Problem, file_problems, rules_of

HOSTNAME = "localhost"  # the schema requires one; the real host name would break determinism
NO_DATE = "1970-01-01T00:00:00"  # the timestamp of a file with no evaluation date (unparsable, invalid)
KNOWN_STATES = ("existing", "unchanged")
_ERROR_TYPES = {PARSE: "parse-error", SCHEMA: "schema-error", EVAL: "evaluation-error"}
# Characters XML 1.0 cannot hold, even escaped (and lone surrogates).
_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def render(run: RunResult, color: bool = False) -> str:
    return "".join(chunks(run))


_OPEN, _CLOSE = "<testsuites>", "\n</testsuites>"


def chunks(run: RunResult, color: bool = False) -> Iterator[str]:
    """One test suite at a time, laid out as if the whole tree were indented at once."""
    policies = [r for r in rules_of(run) if r not in SYNTHETIC_RULES]
    yield '<?xml version="1.0" encoding="UTF-8"?>\n'
    opened = False
    for suite in _suites(run, policies):
        root = ET.Element("testsuites")
        root.append(suite)
        ET.indent(root)
        text = ET.tostring(root, encoding="unicode")
        yield (_OPEN if not opened else "") + text[len(_OPEN) : -len(_CLOSE)]
        opened = True
    yield _CLOSE + "\n" if opened else "<testsuites />\n"


def _suites(run: RunResult, policies: list[RuleInfo]) -> Iterator[ET.Element]:
    number = -1
    for number, result in enumerate(run.results):
        yield _suite(result, number, policies)
    if run.notices:
        yield _notices_suite(run.notices, number + 1)


# A run-level notice as a test case: an error (it fails the run: --fail-on-unused-waivers)
# is a failure, a warning (a waiver expired, expiring or unused) is skipped with its message,
# so that a CI reading only JUnit sees what the exit code and the other formats say.
_NOTICE_OUTCOMES = {"error": "failure", "warning": "skipped"}


def _notices_suite(notices: tuple[Notice, ...], number: int) -> ET.Element:
    cases = [_notice_case(n) for n in notices]
    outcomes = [c[0].tag if len(c) else "passed" for c in cases]
    suite = ET.Element(
        "testsuite",
        {
            "name": "wxcc-policy run notices",
            "package": "wxcc-policy",
            "id": str(number),
            "timestamp": NO_DATE,
            "hostname": HOSTNAME,
            "tests": str(len(cases)),
            "failures": str(outcomes.count("failure")),
            "errors": "0",
            "skipped": str(outcomes.count("skipped")),
            "time": "0",
        },
    )
    ET.SubElement(suite, "properties")
    suite.extend(cases)
    ET.SubElement(suite, "system-out")
    ET.SubElement(suite, "system-err")
    return suite


def _notice_case(notice: Notice) -> ET.Element:
    name = " ".join(part for part in (notice.kind or "notice", notice.key) if part)
    outcome = _NOTICE_OUTCOMES.get(notice.level)
    message = notice.message if outcome != "skipped" else f"{notice.level}: {notice.message}"
    return _case(name, notice.where or "wxcc-policy", outcome, message, notice.where, notice.kind or "notice")


def _suite(result: FileResult, number: int, policies: list[RuleInfo]) -> ET.Element:
    path = relative_path(result.file)
    cases = list(_cases(result, path, policies))
    outcomes = [c[0].tag if len(c) else "passed" for c in cases]
    suite = ET.Element(
        "testsuite",
        {
            "name": _xml(path),
            "package": "wxcc-policy",
            "id": str(number),
            "timestamp": f"{result.as_of}T00:00:00" if result.as_of else NO_DATE,
            "hostname": HOSTNAME,
            "tests": str(len(cases)),
            "failures": str(outcomes.count("failure")),
            "errors": str(outcomes.count("error")),
            "skipped": str(outcomes.count("skipped")),
            "time": "0",
        },
    )
    suite.append(_properties(result))
    suite.extend(cases)
    ET.SubElement(suite, "system-out")
    ET.SubElement(suite, "system-err")
    return suite


def _properties(result: FileResult) -> ET.Element:
    properties = ET.Element("properties")
    for name, value in (("file", result.file), ("tenant", result.tenant), ("asOf", result.as_of), ("digest", result.digest)):
        if value is not None:
            ET.SubElement(properties, "property", {"name": name, "value": _xml(value)})
    return properties


def _cases(result: FileResult, path: str, policies: list[RuleInfo]) -> Iterator[ET.Element]:
    found = list(file_problems(result))
    errors: dict[str, list[Problem]] = {}  # one error test case per kind: PARSE, SCHEMA, EVAL
    for problem in found:
        if problem.finding is None:
            errors.setdefault(problem.rule, []).append(problem)
    for rule, listed in errors.items():
        more = f" (and {len(listed) - 1} more)" if len(listed) > 1 else ""
        body = "\n".join(_body(p, result.file) for p in listed)
        yield _case(rule, path, "error", listed[0].message + more, body, _ERROR_TYPES[rule])
    if result.parse_error is not None or result.schema_errors:
        why = "not evaluated: the input is invalid"
        yield from (_case(p.id, path, "skipped", why) for p in policies)
        return
    by_policy: dict[str, list[Problem]] = {}
    for problem in found:
        if problem.finding is not None:
            by_policy.setdefault(problem.rule, []).append(problem)
    for policy in policies:
        findings = by_policy.get(policy.id, [])
        if findings:
            yield from (_finding_case(f, path, _body(f, result.file)) for f in findings)
        elif not policy.enabled:
            yield _case(policy.id, path, "skipped", "not selected (--select / --skip)")
        elif result.eval_error is not None:
            yield _case(policy.id, path, "skipped", "not evaluated: evaluation failed")
        else:
            yield _case(policy.id, path)


def _finding_case(problem: Problem, path: str, body: str) -> ET.Element:
    finding = problem.finding
    assert finding is not None
    if finding.waived:
        w = finding.waiver
        detail = f": {w.reason} ({w.owner}, until {w.expires}{', ' + w.ticket if w.ticket else ''})" if w else ""
        return _case(finding.key, path, "skipped", f"waived{detail}")
    if finding.state in KNOWN_STATES:
        return _case(finding.key, path, "skipped", f"{finding.state}: known before, does not fail the run")
    if finding.state in ("fixed", "resolved"):
        return _case(finding.key, path)
    if finding.state == "upcoming":  # check --horizon: due later, not a failure today
        return _case(finding.key, path, "skipped", f"upcoming: {finding.message}")
    return _case(finding.key, path, "failure", finding.message, body, finding.severity)


def _body(problem: Problem, file: str) -> str:
    """`file:line:column`, and the JSON Pointer when there is one (as the text format: `:` then it)."""
    place = f"{file}:{problem.line}:{problem.column}"
    if problem.finding is None:
        return f"{place}: {problem.message}"
    return f"{place}: {problem.pointer or '/'}"


def _case(name: str, classname: str, outcome: str | None = None, message: str = "", body: str = "", kind: str = "") -> ET.Element:
    case = ET.Element("testcase", {"name": _xml(name), "classname": _xml(classname), "time": "0"})
    if outcome is not None:
        attributes = {"message": _xml(message)}
        if outcome != "skipped":
            attributes["type"] = kind
        child = ET.SubElement(case, outcome, attributes)
        child.text = _xml(body) if body else None
    return case


def _xml(text: str) -> str:
    return _NOT_XML.sub("\ufffd", text)

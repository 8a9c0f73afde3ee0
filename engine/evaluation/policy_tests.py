"""Policy tests (`wxcc-policy test`): each case's snapshot checked as `check` would, and its
findings compared with the expected ones as exact sets; reporters/policy_tests.py lays
out the report."""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Iterable
from pathlib import Path
from typing import Any, NamedTuple

from wxcc_policy.errors import UsageError, did_you_mean, not_found
from wxcc_policy.evaluation.pipeline import CheckSettings, check_document, select_policies
from wxcc_policy.evaluation.results import Finding, SchemaError
from wxcc_policy.inputs.config_files import YamlFile, read_yaml_file
from wxcc_policy.inputs.discovery import TEST_FILE_SUFFIXES
from wxcc_policy.inputs.documents import Document, ParseFailure, parse_text, read_document
from wxcc_policy.inputs.pointers import split_pointer
from wxcc_policy.inputs.readers import JSON
from wxcc_policy.lang.budget import Limits
from wxcc_policy.rules.parameters import parameter_values
from wxcc_policy.rules.policy_set import DEFAULT_LIMITS, PolicySet, is_policy_file
from wxcc_policy.validation.schemas import check_file


class CaseResult(NamedTuple):
    file: str
    name: str
    missing: tuple[str, ...]
    unexpected: tuple[str, ...]
    error: str | None = None

    @property
    def passed(self) -> bool:
        return not self.missing and not self.unexpected and self.error is None


class TestReport(NamedTuple):
    cases: tuple[CaseResult, ...]
    untested: tuple[str, ...]

    @property
    def passed(self) -> bool:
        return all(c.passed for c in self.cases)


def find_test_files(paths: Iterable[str]) -> list[Path]:
    found: list[Path] = []
    for given in paths:
        path = Path(given)
        if path.is_dir():
            # Regular files only: reading a FIFO named *.test.yaml would wait forever.
            found.extend(sorted(p for p in path.rglob("*") if p.name.endswith(TEST_FILE_SUFFIXES) and p.is_file()))
        elif os.path.lexists(path):  # named: read, or refused with a reason (inputs/file_bytes.py)
            found.append(path)
        else:
            raise not_found("policy test file", given) if given == "-" else UsageError("no such file or directory", given)
    return found


def run_test_files(paths: Iterable[str], policies: PolicySet, limits: Limits = DEFAULT_LIMITS) -> TestReport:
    """Every case of every test file, evaluated as `check` would, within the configured limits."""
    results: list[CaseResult] = []
    exercised: set[str] = set()
    named: set[str] = set()
    for path in find_test_files(paths):
        file = read_yaml_file(path)
        check_file(file, "policy-test")
        _check_policies_loaded(file, policies)
        named.update(select_policies(policies, file.data["policies"], ()))
        for index, case in enumerate(file.data["cases"]):
            result = _run_case(file, index, case, policies, limits)
            results.append(result)
            exercised.update(e.split(" ")[0] for e in _expected_labels(case) if not e.startswith("key "))
            exercised.update(_policies_of_keys(case))
    untested = tuple(sorted(named - exercised))
    return TestReport(tuple(results), untested)


def _check_policies_loaded(file: YamlFile, policies: PolicySet) -> None:
    """A test file names policies that may not be loaded (they are not built in): say
    where, and which --policy-dir would load them."""
    known = policies.by_id()
    for index, pid in enumerate(file.data["policies"]):
        if pid in known:
            continue
        directory = _directory_defining(pid, Path(file.path).resolve().parent)
        if directory is not None:
            hint = f"; it is defined in {directory}: load it with --policy-dir {directory} (or policyDirs in .wxcc-policy.yaml)"
        else:
            guess = did_you_mean(pid, known)
            hint = f"{guess} {'P' if guess else '; p'}olicies under test must be loaded: give their directory with --policy-dir DIR"
        raise UsageError(f"unknown policy id {pid!r}{hint}", file.where(("policies", index)))


def _directory_defining(pid: str, start: Path) -> str | None:
    """The directory, among the test file's own and its two parents, with a policy file
    whose id is `pid`; the hint only reads their top-level ids."""
    for directory in (start, start.parent, start.parent.parent):
        for path in sorted(directory.glob("*.y*ml")):
            if is_policy_file(path) and _top_level_id(path) == pid:
                shown = os.path.relpath(directory)
                return str(directory) if shown.startswith("..") else shown
    return None


def _top_level_id(path: Path) -> str | None:
    try:
        data = read_yaml_file(path).data
    except UsageError:  # not ours to report here: the directory is not loaded
        return None
    found = data.get("id")
    return found if isinstance(found, str) else None


def _policies_of_keys(case: dict[str, Any]) -> set[str]:
    return {str(e["key"]).split(":")[0] for e in case["expect"] if "key" in e}


def _run_case(file: YamlFile, index: int, case: dict[str, Any], policies: PolicySet, limits: Limits) -> CaseResult:
    defaults = file.data
    params = {**defaults.get("parameters", {}), **case.get("parameters", {})}
    settings = CheckSettings(
        paths=(),
        as_of=case.get("asOf", defaults.get("asOf")),
        fail_on="info",
        parameters=parameter_values(policies.policies, params, file),
        policy_ids=select_policies(policies, defaults["policies"], ()),
        limits=limits,
    )
    snapshot = case.get("snapshot", defaults.get("snapshot"))
    if snapshot is None:
        raise UsageError("the case has no snapshot (give one in the case or for the whole file)", file.where(("cases", index)))
    parts: tuple[str | int, ...] = ("cases", index, "snapshot") if "snapshot" in case else ("snapshot",)
    document = _snapshot(file, snapshot, parts)
    result = check_document(document, settings, policies)
    if result.parse_error or result.schema_errors:
        problem = result.parse_error.message if result.parse_error else _schema_problems(file, snapshot, parts, result.schema_errors)
        return CaseResult(file.path, case["name"], (), (), error=f"the snapshot is not valid: {problem}")
    if result.eval_error:  # the case fails; the other cases still run
        return CaseResult(file.path, case["name"], (), (), error=f"a policy failed: {result.eval_error.message}")
    return _compare(file.path, case, result.findings)


def _schema_problems(file: YamlFile, snapshot: Any, parts: tuple[str | int, ...], errors: tuple[SchemaError, ...]) -> str:
    """Each violation at its file:line:column: in the snapshot file, or, for a snapshot
    written inline, at the member of the test file it is about (the inline document
    itself for a missing property)."""
    if isinstance(snapshot, str):
        path = Path(file.path).parent / snapshot
        located = [(f"{path}:{e.line}:{e.column}", e) for e in errors]
    else:
        located = [(file.where((*parts, *split_pointer(e.pointer))), e) for e in errors]
    return "; ".join(f"{where}: {e.pointer + ': ' if e.pointer else ''}{e.message}" for where, e in located)


def _snapshot(file: YamlFile, snapshot: Any, parts: tuple[str | int, ...]) -> Document | ParseFailure:
    if isinstance(snapshot, str):
        path = Path(file.path).parent / snapshot
        if not path.is_file():
            raise UsageError(snapshot_not_found(snapshot, path), file.where(parts))
        return read_document(path)
    text = json.dumps(snapshot, indent=1)
    return parse_text(text, file.where(parts), "sha256:" + hashlib.sha256(text.encode()).hexdigest(), JSON)


def snapshot_not_found(given: str, path: Path) -> str:
    """Says what a case's `snapshot:` may be; a placeholder pasted from an example is named as one."""
    if given.strip(". …") == "":
        return f"snapshot: {given} is a placeholder: give a snapshot file (relative to this test file) or the snapshot itself, inline"
    return f"snapshot file not found: {path} (a path relative to this test file, or the snapshot itself, inline)"


def _expected_labels(case: dict[str, Any]) -> list[str]:
    return [f"key {e['key']}" if "key" in e else f"{e['policy']} {e['pointer']}" for e in case["expect"]]


def _compare(path: str, case: dict[str, Any], findings: tuple[Finding, ...]) -> CaseResult:
    remaining = list(findings)
    missing = []
    for label in _expected_labels(case):
        match = next((f for f in remaining if label in (f"key {f.key}", f"{f.policy} {f.pointer}")), None)
        if match is None:
            missing.append(label)
        else:
            remaining.remove(match)
    unexpected = tuple(f"{f.policy} {f.pointer} ({f.key}): {f.message}" for f in remaining)
    return CaseResult(path, case["name"], tuple(missing), unexpected)

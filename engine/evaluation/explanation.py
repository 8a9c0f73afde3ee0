"""Why a policy's findings fired on one snapshot: the evaluation traced as it runs.

The policy is evaluated once with a tracer (evaluation/tracer.py) that records bindings,
derived values and conditions as the evaluator runs; its findings are located in the
snapshot. reporters/explanation.py and explanation_json.py lay out what was recorded.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any, NamedTuple

from wxcc_policy.errors import EvalFailure, UsageError, did_you_mean
from wxcc_policy.evaluation.evaluator import evaluate
from wxcc_policy.evaluation.locate import locate_pairs
from wxcc_policy.evaluation.results import Finding
from wxcc_policy.evaluation.tracer import TracedFinding, Tracer
from wxcc_policy.inputs.discovery import input_path
from wxcc_policy.inputs.documents import Document, read_document
from wxcc_policy.inputs.file_bytes import STDIN
from wxcc_policy.inputs.pointers import PointerIndex
from wxcc_policy.lang.budget import Limits
from wxcc_policy.lang.names import AS_OF
from wxcc_policy.lang.values import render
from wxcc_policy.rules.model import LibraryEntry, Policy
from wxcc_policy.rules.policy_set import DEFAULT_LIMITS, PolicySet
from wxcc_policy.validation.schemas import violations

_TRACED_STACK_FACTOR = 3  # a traced library call takes about 1.5 times the frames of a plain one


class Explanation(NamedTuple):
    """One traced evaluation of one policy over one snapshot, with its located findings."""

    policy: Policy
    file: str
    subject: str
    as_of: str
    tracer: Tracer
    findings: tuple[tuple[Finding, TracedFinding], ...]  # those shown (all, or the one --key names)
    total: int  # findings of the run
    entries: dict[str, LibraryEntry]
    data: Any  # the snapshot's parsed document, for the pointers of the elements shown
    positions: tuple[int, ...] = ()  # each shown finding's number among all `total` (1-based); () when all are shown

    def only(self, positions: tuple[int, ...]) -> Explanation:
        """The explanation of some findings only (`--key`), by their numbers among all."""
        return self._replace(findings=tuple(self.findings[p - 1] for p in positions), positions=positions)

    def position(self, index: int) -> int:
        """The number among all findings of the `index`-th one shown."""
        return self.positions[index] if self.positions else index + 1

    def pointers(self) -> PointerIndex:
        """The JSON Pointers of the snapshot's elements, found by identity."""
        return PointerIndex(self.data)


class NotExplained(NamedTuple):
    """Why there is nothing to explain (an invalid snapshot, no finding with the key): a
    diagnostic for standard error, exit code 1."""

    message: str


def find_policy(policies: PolicySet, policy_id: str) -> Policy:
    found = policies.by_id().get(policy_id)
    if found is None:
        raise UsageError(f"unknown policy id {policy_id!r}{did_you_mean(policy_id, policies.by_id())}")
    return found


def explain_snapshot(
    policies: PolicySet,
    policy_id: str,
    params: dict[str, dict[str, Any]],
    given: str,
    key: str | None,
    as_of: str | None,
    limits: Limits = DEFAULT_LIMITS,
) -> Explanation | NotExplained:
    """The policy traced over the snapshot file (`-`: standard input), its findings (only the
    one `key` names, if given)."""
    policy = find_policy(policies, policy_id)
    snapshot = input_path(given)
    if snapshot != STDIN and not snapshot.is_file():  # `-`: standard input
        problem = "a directory: explain takes one snapshot file" if snapshot.is_dir() else "no such file"
        raise UsageError(problem, str(snapshot))
    document = read_document(snapshot)
    if not isinstance(document, Document) or violations(policies.document.schema, document.data):
        return NotExplained(f"{snapshot}: the snapshot is not valid; run `wxcc-policy check {snapshot}` first.\n")
    explanation = trace(policies, policy, params[policy_id], document, as_of, limits)
    if key is None:
        return explanation
    chosen = tuple(n for n, pair in enumerate(explanation.findings, 1) if pair[0].key == key)
    if not chosen:
        keys = ", ".join(f.key for f, _ in explanation.findings) or "none"
        return NotExplained(f"No {policy_id} finding has key {key!r}; keys: {keys}.\n")
    return explanation.only(chosen)


@contextmanager
def _room_for_the_tracer() -> Iterator[None]:
    """The tracer adds stack frames to every library call: a recursion that check went through
    must not run out of stack while traced."""
    limit = sys.getrecursionlimit()
    sys.setrecursionlimit(limit * _TRACED_STACK_FACTOR)
    try:
        yield
    finally:
        sys.setrecursionlimit(limit)


def trace(
    policies: PolicySet, policy: Policy, params: dict[str, Any], document: Document, as_of: str | None, limits: Limits = DEFAULT_LIMITS
) -> Explanation:
    """Evaluate the policy as `check` does, so that explain fails exactly where check fails
    (evaluation budget, recursion depth), then once more with a tracer; locate its findings."""
    try:
        evaluate(policy, policies.runtime(document.data, as_of, limits), params)
        runtime = policies.runtime(document.data, as_of, limits)
        tracer = Tracer()
        with _room_for_the_tracer():
            raw = evaluate(policy, runtime, params, tracer)
    except EvalFailure as exc:
        raise UsageError(f"evaluating {document.path}: {exc.message}", exc.where) from None
    subject = render(policies.document.subject(runtime.base))
    traced = {id(t.raw): t for t in tracer.findings}
    pairs = tuple((finding, traced[id(r)]) for finding, r in locate_pairs(document, raw, subject))
    return Explanation(policy, document.path, subject, str(runtime.base[AS_OF]), tracer, pairs, len(pairs), policies.entries, document.data)

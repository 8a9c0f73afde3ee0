"""The engine against hand-written Python, one rule at a time (issue 21).

Usage: python benchmarks/bench_rules.py [--tenants 200] [--repeat 5] [--workdir DIR]

On the portfolio benchmark's small tenants (200-1,000 users), some changed so that every
rule finds something (a second telephony option, a mixed license model, an under-billed
excess), parsed once: for each of WXCC-TEL-001, WXCC-SUB-002, WXCC-ACC-001 and
WXCC-BIL-003, the engine (a fresh per-document runtime, the policy evaluated, its messages
rendered) against benchmarks/rules_by_hand.py over the same documents. First both must
agree finding by finding (key and message), then they run alternately; CPU time, medians,
garbage collection off as in `check`.
Target: each within 2.5x.
"""

from __future__ import annotations

import argparse
import gc
import json
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import bench_portfolio  # noqa: E402
import rules_by_hand  # noqa: E402

TARGET = 2.5


def tenants(workdir: Path, count: int) -> list[dict[str, Any]]:
    """The portfolio's tenants, with seeded changes that make each rule fire somewhere."""
    directory = bench_portfolio.generate_portfolio(workdir / f"tenants-{count}", count)
    docs = [json.loads(p.read_text()) for p in sorted(directory.iterdir())]
    rng = random.Random(21)
    for i, doc in enumerate(docs):
        subs = doc["subscriptions"]
        if i % 3 == 0:
            rng.choice(subs[1:])["telephony"] = "vpop"
        if i % 3 == 1:
            rng.choice(subs[1:])["licenseModel"] = "concurrent"
        if i % 4 == 0:
            rng.choice(doc["usage"])["quantity"] += 10_000
    return docs


def engine_rule(policy_id: str) -> Any:
    from wxcc_policy.evaluation.evaluator import evaluate
    from wxcc_policy.rules.policy_set import load_policy_set

    policies = load_policy_set()
    policy = policies.by_id()[policy_id]
    params = {q.name: q.default for q in policy.info.parameters}

    def run(doc: dict[str, Any]) -> list[tuple[str, str]]:
        return [(f.entity, f.message) for f in evaluate(policy, policies.runtime(doc, None), params)]

    return run


def cpu_seconds(fn: Any, docs: list[dict[str, Any]]) -> float:
    start = time.process_time()
    for doc in docs:
        fn(doc)
    return time.process_time() - start


def compare(policy_id: str, docs: list[dict[str, Any]], repeat: int) -> float:
    engine, hand = engine_rule(policy_id), rules_by_hand.RULES[policy_id]
    found = 0
    for doc in docs:
        ours, theirs = engine(doc), hand(doc)
        assert ours == theirs, f"{policy_id} on {doc['tenant']['id']}: the engine and the hand-written code disagree:\n{ours}\n{theirs}"
        found += len(ours)
    pairs = [(cpu_seconds(engine, docs), cpu_seconds(hand, docs)) for _ in range(repeat)]
    ours_s, hand_s = statistics.median(a for a, _ in pairs), statistics.median(b for _, b in pairs)
    ratio = ours_s / hand_s
    per = 1e6 / len(docs)
    print(
        f"{policy_id}: engine {ours_s * per:.0f} µs/tenant vs hand-written {hand_s * per:.0f} µs/tenant: ratio {ratio:.2f} "
        f"(target <= {TARGET}) {'OK' if ratio <= TARGET else 'MISSED'}; {found} findings, all equal"
    )
    return ratio


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--tenants", type=int, default=200)
    ap.add_argument("--repeat", type=int, default=5)
    ap.add_argument("--workdir", type=Path)
    args = ap.parse_args(argv)
    workdir = args.workdir or Path(tempfile.mkdtemp(prefix="wxcc-rules-"))
    docs = tenants(workdir, args.tenants)
    gc.disable()  # as `check` runs (commands/check.py): collections would be timed, not the rules
    print(f"{len(docs)} tenants, parsed once; CPU time, medians of {args.repeat}; python {sys.version.split()[0]}")
    for policy_id in rules_by_hand.RULES:
        compare(policy_id, docs, args.repeat)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

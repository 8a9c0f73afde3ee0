"""The cost of fixes as text edits (inputs/text_edits.py, outputs/in_place.py) on a large
tenant, against a check of the same file in the same run.

Usage: python benchmarks/bench_text_edits.py [--users 100000] [--violations 0.01] [--repeat 5] [--workdir DIR]

For every finding at a user's `subscriptionId` (the generator's bad mappings), a fix
replaces it with the first subscription's id (what a remap writes). Measured, each the
median of --repeat, alternating with the check so that a drift in the machine's speed hits
both alike: the text edits of each finding's fix on its own
(what SARIF and rdjson attach), and `edit_in_place` of all of them at once (one file
written, read back and verified), both as a JSON and as a YAML snapshot.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any, NamedTuple

import yaml

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import generate  # noqa: E402

from wxcc_policy.evaluation.pipeline import CheckSettings, check_file  # noqa: E402
from wxcc_policy.inputs.text_edits import SourceEditor  # noqa: E402
from wxcc_policy.outputs.in_place import edit_in_place  # noqa: E402
from wxcc_policy.rules.policy_set import load_policy_set  # noqa: E402


class Op(NamedTuple):
    op: str
    path: str
    value: Any = None


def _timed(action: Callable[[], Any]) -> float:
    start = time.perf_counter()
    action()
    return time.perf_counter() - start


def _remaps(path: Path, settings: CheckSettings, policies: Any) -> list[Op]:
    """A replace of the value each finding points at (a user's subscriptionId, for the
    generator's bad mappings), with the first subscription's id: what a remap writes."""
    first = json.loads(path.read_text())["subscriptions"][0]["id"] if path.suffix == ".json" else None
    result = check_file(path, str(path), settings, policies)
    return [Op("replace", f.pointer, first or "Sub-1") for f in result.findings if f.pointer.endswith("/subscriptionId")]


def _each_fix(text: str, suffix: str, ops: list[Op]) -> None:
    """What SARIF and rdjson attach: each finding's fix on its own, the file parsed once."""
    editor = SourceEditor(text, suffix)
    for op in ops:
        editor.edits([op])


def _settings(path: Path, policies: Any) -> CheckSettings:
    ids = tuple(p.info.id for p in policies.policies)
    params = {p.info.id: {q.name: q.default for q in p.info.parameters} for p in policies.policies}
    return CheckSettings((str(path),), None, "error", params, ids)


def measure(path: Path, ops: list[Op], repeat: int, policies: Any) -> dict[str, float]:
    settings = _settings(path, policies)
    text = path.read_text(encoding="utf-8")
    copy = path.with_name("edited-" + path.name)
    checks, edits, in_place = [], [], []
    for _ in range(repeat):
        checks.append(_timed(lambda: check_file(path, str(path), settings, policies)))
        edits.append(_timed(lambda: _each_fix(text, path.suffix, ops)))
        copy.write_text(text, encoding="utf-8")
        in_place.append(_timed(lambda: edit_in_place(copy, ops)))
    return {"check": statistics.median(checks), "edits": statistics.median(edits), "in-place": statistics.median(in_place)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, default=100_000)
    parser.add_argument("--violations", type=float, default=0.01)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--workdir", type=Path)
    args = parser.parse_args()
    workdir = args.workdir or Path(tempfile.mkdtemp())
    doc = generate.generate(args.users, 50, 12, args.violations, 1)
    policies = load_policy_set()
    files = {".json": json.dumps(doc, indent=2) + "\n", ".yaml": yaml.safe_dump(doc, sort_keys=False)}
    first = workdir / f"tenant-{args.users}.json"
    first.write_text(files[".json"], encoding="utf-8")
    ops = _remaps(first, _settings(first, policies), policies)
    print(f"{args.users:,} users, {len(ops):,} fixes (one replace each), median of {args.repeat}")
    for suffix, text in files.items():
        path = workdir / f"tenant-{args.users}{suffix}"
        path.write_text(text, encoding="utf-8")
        times = measure(path, ops, args.repeat, policies)
        check = times["check"]
        edits, in_place = times["edits"], times["in-place"]
        print(
            f"{suffix[1:]:<4}: check {check:.3f} s; text edits of every fix {edits:.3f} s ({edits / check:.2f}x the check);"
            f" edit_in_place of all {in_place:.3f} s ({in_place / check:.2f}x)"
        )


if __name__ == "__main__":
    main()

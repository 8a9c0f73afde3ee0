"""Measure wxcc-policy against baselines taken in the same run; print ratios.

Usage: python benchmarks/run.py [--users 100000] [--big-users 1000000] [--repeat 5] [--workdir DIR]
Targets (issue 21): check ≤ 2.0× json.load of the same file; at 1,000,000 users ≤ 1.4× json.load
and peak memory ≤ 1.3× that json.load process's; the same snapshot on one line (minified) as
fast as indented (issue 17 §9); the small tenant's whole process ≤ 80 ms; policy evaluation
≤ 10× hand-written Python (per rule: benchmarks/bench_rules.py).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import bench_startup  # noqa: E402
import generate  # noqa: E402
import handwritten  # noqa: E402


def _once(cmd: list[str]) -> float:
    start = time.perf_counter()
    subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False)
    return time.perf_counter() - start


def _stats(runs: list[float]) -> dict[str, float]:
    return {"median": statistics.median(runs), "min": min(runs), "max": max(runs)}


def timed(cmd: list[str], repeat: int) -> dict[str, float]:
    return _stats([_once(cmd) for _ in range(repeat)])


def timed_pair(ours: list[str], base: list[str], repeat: int) -> tuple[dict[str, float], dict[str, float]]:
    """Alternate the two commands, so that a drift in the machine's speed hits both alike."""
    _once(ours), _once(base)  # warm the file cache and the byte-code caches
    pairs = [(_once(ours), _once(base)) for _ in range(repeat)]
    return _stats([a for a, _ in pairs]), _stats([b for _, b in pairs])


def peak_kib(cmd: list[str]) -> int | None:
    if not Path("/usr/bin/time").exists():
        return None
    done = subprocess.run(["/usr/bin/time", "-f", "%M", *cmd], capture_output=True, text=True, check=False)
    return int(done.stderr.strip().splitlines()[-1])


def show(label: str, ours: dict[str, float], base: dict[str, float], target: float) -> float:
    ratio = ours["median"] / base["median"]
    print(
        f"{label}: {ours['median']:.3f} s (min {ours['min']:.3f}, max {ours['max']:.3f}) vs baseline "
        f"{base['median']:.3f} s (min {base['min']:.3f}, max {base['max']:.3f}): ratio {ratio:.2f} "
        f"(target ≤ {target}) {'OK' if ratio <= target else 'MISSED'}"
    )
    return ratio


def snapshot(workdir: Path, users: int, one_line: bool = False) -> Path:
    path = workdir / f"tenant-{users}{'-one-line' if one_line else ''}.json"
    if not path.exists():
        doc = generate.generate(users, 50, 12, 0.01, 1)
        path.write_text((json.dumps(doc, separators=(",", ":")) if one_line else json.dumps(doc, indent=2)) + "\n")
    return path


def load_cmd(path: Path) -> list[str]:
    return [sys.executable, "-c", f"import json; json.load(open({str(path)!r}))"]


def check_cmd(path: Path) -> list[str]:
    return [sys.executable, "-m", "wxcc_policy", "check", "--format", "json", str(path)]


def verified(cmd: list[str]) -> int:
    """Run the check once for real: a crash must never be timed as a fast run."""
    done = subprocess.run(cmd, capture_output=True, text=True, check=False)
    if done.returncode not in (0, 1) or done.stderr:
        raise SystemExit(f"benchmark aborted: {' '.join(cmd)} exited {done.returncode}: {done.stderr.strip()}")
    return sum(len(r["findings"]) for r in json.loads(done.stdout)["results"])


def evaluation_ratio(path: Path, repeat: int) -> None:
    from wxcc_policy.evaluation.evaluator import evaluate
    from wxcc_policy.rules.policy_set import load_policy_set

    doc = json.loads(path.read_text())
    policies = load_policy_set()
    chosen = [p for p in policies.policies if p.info.id in ("WXCC-ACC-001", "WXCC-ACC-002", "WXCC-DAT-001")]
    params = {p.info.id: {q.name: q.default for q in p.info.parameters} for p in chosen}

    def engine() -> int:
        runtime = policies.runtime(doc, None)
        return sum(len(evaluate(p, runtime, params[p.info.id])) for p in chosen)

    def hand() -> int:
        return handwritten.check(doc, doc["capturedAt"][:10])

    assert engine() == hand(), "the engine and the hand-written baseline disagree"
    ours = _inprocess(engine, repeat)
    base = _inprocess(hand, repeat)
    show("4. evaluation of ACC-001/ACC-002/DAT-001 vs hand-written Python", ours, base, 10)
    everything = _inprocess(
        lambda: sum(
            len(evaluate(p, policies.runtime(doc, None), {q.name: q.default for q in p.info.parameters})) for p in policies.policies
        ),
        repeat,
    )
    print(f"   all 15 policies evaluated: {everything['median']:.3f} s median")


def _inprocess(fn, repeat: int) -> dict[str, float]:  # type: ignore[no-untyped-def]
    runs = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        runs.append(time.perf_counter() - start)
    return {"median": statistics.median(runs), "min": min(runs), "max": max(runs)}


def one_line(workdir: Path, users: int, findings: int, repeat: int) -> None:
    """The same snapshot minified (exports and APIs write it so): locating must not depend
    on the layout (issue 17 §9)."""
    indented, flat = snapshot(workdir, users), snapshot(workdir, users, one_line=True)
    assert verified(check_cmd(flat)) == findings, "the one-line snapshot gave other findings"
    ours, base = timed_pair(check_cmd(flat), check_cmd(indented), repeat)
    show("1b. the same snapshot on one line vs indented", ours, base, 1.0)


def big_scale(workdir: Path, users: int, small: dict[str, float], repeat: int) -> None:
    big = snapshot(workdir, users)
    verified(check_cmd(big))
    ours, base = timed_pair(check_cmd(big), load_cmd(big), max(1, repeat // 2))
    show(f"2. check at {users} users vs json.load", ours, base, 1.4)
    print(f"   scaling from the first snapshot: time ratio {ours['median'] / small['median']:.2f} (issue 3's target ≤ 11)")
    mine, theirs = peak_kib(check_cmd(big)), peak_kib(load_cmd(big))
    if mine and theirs:
        print(
            f"   peak memory: {mine / 1024:.0f} MiB vs json.load {theirs / 1024:.0f} MiB: ratio {mine / theirs:.2f} "
            f"(target ≤ 1.3) {'OK' if mine / theirs <= 1.3 else 'MISSED'}"
        )


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--users", type=int, default=100_000)
    ap.add_argument("--big-users", type=int, default=0, help="also measure scaling at this size (e.g. 1000000)")
    ap.add_argument("--repeat", type=int, default=5)
    ap.add_argument("--workdir", type=Path)
    args = ap.parse_args(argv)
    os.environ.pop("PYTHONDONTWRITEBYTECODE", None)  # the commands timed keep their byte code, as installed ones do
    workdir = args.workdir or Path(tempfile.mkdtemp(prefix="wxcc-bench-"))
    workdir.mkdir(parents=True, exist_ok=True)
    path = snapshot(workdir, args.users)
    print(f"snapshot: {args.users} users, {path.stat().st_size / 1e6:.1f} MB; python {sys.version.split()[0]}")
    findings = verified(check_cmd(path))
    print(f"   {findings} findings located to line and column")
    ours, base = timed_pair(check_cmd(path), load_cmd(path), args.repeat)
    show("1. check (all 15 policies) vs json.load", ours, base, 2.0)
    one_line(workdir, args.users, findings, args.repeat)
    if args.big_users:
        big_scale(workdir, args.big_users, ours, args.repeat)
    print("3. small tenant check (benchmarks/bench_startup.py; --before DIR there times an earlier tree too):")
    bench_startup.report(bench_startup.measure(max(7, args.repeat)))
    evaluation_ratio(path, args.repeat)
    if shutil.which("check-jsonschema"):
        schema = HERE.parent / "schemas" / "snapshot.schema.json"
        cj = timed(["check-jsonschema", "--schemafile", str(schema), str(path)], max(1, args.repeat // 2))
        print(f"   check-jsonschema on the same file: {cj['median']:.2f} s ({cj['median'] / ours['median']:.1f}× ours)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

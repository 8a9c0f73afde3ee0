"""The small tenant's whole process, start-up included (issue 21: ≤ 80 ms).

Usage: python benchmarks/bench_startup.py [--repeat 9] [--before DIR]

Runs the spec's example tenant through the console script, alternately with `python -c
pass` (the start-up no program avoids) and, with --before, the same console script with
PYTHONPATH at DIR: a copy of an earlier tree laid out as the installed package
(DIR/wxcc_policy = engine/ with policies/ and schemas/ inside), so that the change is
timed against what it replaced in the same run. One warm-up round first; medians of wall
and CPU time (user + system of the child).
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
TENANT = HERE.parent / "examples" / "tenants" / "acme-tenant.json"
TARGET_MS = 80.0


def once(cmd: list[str], env: dict[str, str]) -> tuple[float, float]:
    """Wall and CPU seconds of one run of cmd."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    done = subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env, check=False)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if done.returncode not in (0, 1) or done.stderr:
        raise SystemExit(f"benchmark aborted: {' '.join(cmd)} exited {done.returncode}: {done.stderr.decode().strip()}")
    return wall, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def contenders(before: Path | None) -> dict[str, tuple[list[str], dict[str, str]]]:
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONDONTWRITEBYTECODE", "PYTHONPATH")}
    script = str(Path(sys.executable).parent / "wxcc-policy")
    runs = {"python -c pass": ([sys.executable, "-c", "pass"], env), "check (this tree)": ([script, "check", str(TENANT)], env)}
    if before is not None:
        runs["check (before)"] = ([script, "check", str(TENANT)], {**env, "PYTHONPATH": str(before)})
    return runs


def measure(repeat: int, before: Path | None = None) -> dict[str, tuple[float, float]]:
    """Median wall and CPU milliseconds of each contender, run alternately."""
    runs = contenders(before)
    samples: dict[str, list[tuple[float, float]]] = {name: [] for name in runs}
    for round_ in range(repeat + 1):
        for name, (cmd, env) in runs.items():
            sample = once(cmd, env)
            if round_:  # the first round warms the file cache and writes the byte code
                samples[name].append(sample)
    return {name: (statistics.median(w for w, _ in s) * 1000, statistics.median(c for _, c in s) * 1000) for name, s in samples.items()}


def report(figures: dict[str, tuple[float, float]]) -> None:
    bare_wall, bare_cpu = figures["python -c pass"]
    for name, (wall, cpu) in figures.items():
        print(f"   {name}: wall {wall:.0f} ms ({wall / bare_wall:.2f}× python -c pass), CPU {cpu:.0f} ms ({cpu / bare_cpu:.2f}×)")
    wall, cpu = figures["check (this tree)"]
    print(f"   target ≤ {TARGET_MS:.0f} ms: wall {'OK' if wall <= TARGET_MS else 'MISSED'}, CPU {'OK' if cpu <= TARGET_MS else 'MISSED'}")
    if "check (before)" in figures:
        old_wall, old_cpu = figures["check (before)"]
        print(f"   this tree against before: wall {wall / old_wall:.2f}×, CPU {cpu / old_cpu:.2f}×")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeat", type=int, default=9)
    ap.add_argument("--before", type=Path, help="a copy of an earlier tree, laid out as the installed package")
    args = ap.parse_args(argv)
    print(f"small tenant ({TENANT.name}), whole process, medians of {args.repeat} after one warm-up round")
    report(measure(args.repeat, args.before))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

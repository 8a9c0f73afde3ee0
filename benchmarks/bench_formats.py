"""The cost of the pipeline formats on a large tenant, against `--format json` in the same run.

Usage: python benchmarks/bench_formats.py [--users 100000] [--violations 0.01] [--repeat 5] [--workdir DIR]

Each format's whole check (a process, as a pipeline runs it) alternates with a
`--format json` check, so that a drift in the machine's speed hits both alike; the
ratio is of the medians. Then the render alone, in one process, from one result.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import generate  # noqa: E402

FORMATS = ("text", "sarif", "junit", "github", "gitlab", "rdjson")


def _once(cmd: list[str]) -> float:
    start = time.perf_counter()
    done = subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, check=False)
    elapsed = time.perf_counter() - start
    if done.returncode not in (0, 1):
        raise SystemExit(f"benchmark aborted: {' '.join(cmd)} exited {done.returncode}: {done.stderr.decode().strip()}")
    return elapsed


def check_cmd(path: Path, *options: str) -> list[str]:
    return [sys.executable, "-m", "wxcc_policy", "check", *options, str(path)]


def interleaved(ours: list[str], base: list[str], repeat: int) -> tuple[float, float]:
    _once(ours), _once(base)  # warm the file and byte-code caches
    pairs = [(_once(ours), _once(base)) for _ in range(repeat)]
    return statistics.median(a for a, _ in pairs), statistics.median(b for _, b in pairs)


def snapshot(workdir: Path, users: int, violations: float) -> Path:
    path = workdir / f"tenant-{users}-{violations}.json"
    if not path.exists():
        path.write_text(json.dumps(generate.generate(users, 50, 12, violations, 1), indent=2) + "\n")
    return path


def process_ratios(path: Path, workdir: Path, repeat: int) -> tuple[dict[str, float], float]:
    """{format: ratio of the whole check to --format json}, and the json check's median."""
    base = check_cmd(path, "--format", "json")
    ratios, json_times = {}, []
    for fmt in FORMATS:
        ours, json_time = interleaved(check_cmd(path, "--format", fmt), base, repeat)
        ratios[fmt] = ours / json_time
        json_times.append(json_time)
        print(f"check --format {fmt:<6}: {ours:.3f} s vs --format json {json_time:.3f} s: ratio {ratios[fmt]:.3f}")
    reports = [a for fmt in ("sarif", "junit", "github", "gitlab") for a in ("--report", f"{fmt}={workdir / ('r.' + fmt)}")]
    ours, json_time = interleaved(check_cmd(path, "--format", "json", "-o", str(workdir / "r.json"), *reports), base, repeat)
    ratios["json + 4 --report"] = ours / json_time
    print(f"check --format json -o + 4 --report: {ours:.3f} s vs --format json {json_time:.3f} s: ratio {ours / json_time:.3f}")
    return ratios, statistics.median(json_times)


def render_times(path: Path, repeat: int) -> dict[str, tuple[int, float]]:
    """Each renderer alone, over one result, in this process: {format: (bytes, median seconds)}."""
    from wxcc_policy.evaluation.pipeline import CheckSettings, run_check
    from wxcc_policy.reporters import CHECK
    from wxcc_policy.rules.policy_set import load_policy_set

    policies = load_policy_set()
    ids = tuple(p.info.id for p in policies.policies)
    params = {p.info.id: {q.name: q.default for q in p.info.parameters} for p in policies.policies}
    run = run_check(CheckSettings((str(path),), None, "error", params, ids), policies)
    sizes = {}
    for fmt in ("json", *FORMATS):
        times = []
        for _ in range(repeat):
            start = time.perf_counter()
            out = "".join(CHECK.renderer(fmt)(run, False))
            times.append(time.perf_counter() - start)
        sizes[fmt] = (len(out.encode("utf-8")), statistics.median(times))
        print(f"render {fmt:<6}: {sizes[fmt][1] * 1000:7.1f} ms median, {sizes[fmt][0]:>10,} bytes")
    return sizes


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--users", type=int, default=100_000)
    ap.add_argument("--violations", type=float, default=0.01, help="share of users mapped badly")
    ap.add_argument("--repeat", type=int, default=5)
    ap.add_argument("--workdir", type=Path, default=None)
    args = ap.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        workdir = args.workdir or Path(tmp)
        workdir.mkdir(parents=True, exist_ok=True)
        path = snapshot(workdir, args.users, args.violations)
        findings = sum(
            len(r["findings"])
            for r in json.loads(subprocess.run(check_cmd(path, "--format", "json"), capture_output=True, check=False).stdout)["results"]
        )
        print(f"{args.users:,} users, {findings:,} findings, median of {args.repeat}")
        sizes = render_times(path, args.repeat)
        ratios, json_check = process_ratios(path, workdir, args.repeat)
    largest = max(FORMATS, key=lambda f: sizes[f][0])
    added = sizes[largest][1] - sizes["json"][1]
    print(
        f"largest format: {largest} ({sizes[largest][0]:,} bytes): check ratio to --format json {ratios[largest]:.3f}; "
        f"its render costs {added * 1000:+.1f} ms against json's = {added / json_check:+.1%} of a json check"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

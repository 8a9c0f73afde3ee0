"""`fix` benchmark (issue 20): the proved change of a generated portfolio against `check` of
the same files, in the same run.

Usage: python benchmarks/bench_fix.py [--tenants 1000] [--repeat 3] [--workdir DIR]

`fix --paired --force` over the portfolio (each snapshot checked, its fixes applied in
memory and checked again: the proof included, and a change file written beside each)
against `check --jobs 1 --format json` of the same directory. Target: fix within 3.0x the
time of check. The commands alternate, so that a drift in the machine's speed hits both;
medians are printed with min and max, wall and CPU time (the steadier on a shared machine).
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from bench_portfolio import _once, generate_portfolio  # noqa: E402

TARGET_RATIO = 3.0


def fix_cmd(directory: Path) -> list[str]:
    return [sys.executable, "-m", "wxcc_policy", "fix", "--paired", "--force", str(directory)]


def check_cmd(directory: Path) -> list[str]:
    return [sys.executable, "-m", "wxcc_policy", "check", "--quiet", "--format", "json", "--jobs", "1", str(directory)]


def _clean(directory: Path) -> None:
    """The change files of the last fix (the portfolio's own files stay)."""
    for change in directory.glob("*.change.json"):
        change.unlink()


def verified(directory: Path) -> tuple[int, int]:
    """One real run of each: (findings of the check, operations of the fix). A crash is
    never timed as a fast run."""
    done = subprocess.run(check_cmd(directory), capture_output=True, text=True, check=False)
    if done.returncode not in (0, 1):
        raise SystemExit(f"check exited {done.returncode}: {done.stderr.strip()[:500]}")
    findings = sum(len(r["findings"]) for r in json.loads(done.stdout)["results"])
    done = subprocess.run(fix_cmd(directory), capture_output=True, text=True, check=False)
    if done.returncode not in (0, 1):
        raise SystemExit(f"fix exited {done.returncode}: {done.stderr.strip()[:500]}")
    operations = sum(len(json.loads(p.read_text())) for p in directory.glob("*.change.json"))
    _clean(directory)
    return findings, operations


def _stats(runs: list[float]) -> str:
    return f"{statistics.median(runs):.2f} s (min {min(runs):.2f}, max {max(runs):.2f})"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--tenants", type=int, default=1000)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--workdir", type=Path, default=Path(tempfile.gettempdir()) / "wxcc-bench-fix")
    args = ap.parse_args(argv)
    directory = generate_portfolio(args.workdir / f"portfolio-{args.tenants}", args.tenants)
    _clean(directory)
    findings, operations = verified(directory)
    print(f"{args.tenants} tenants: check finds {findings} findings; fix writes {operations} operations")
    runs = []
    for _ in range(args.repeat):
        fixed = _once(fix_cmd(directory))
        _clean(directory)
        runs.append((fixed, _once(check_cmd(directory))))
    fix_wall, fix_cpu = [r[0][0] for r in runs], [r[0][1] for r in runs]
    check_wall, check_cpu = [r[1][0] for r in runs], [r[1][1] for r in runs]
    ratio = statistics.median(fix_wall) / statistics.median(check_wall)
    cpu_ratio = statistics.median(fix_cpu) / statistics.median(check_cpu)
    print(f"fix:   wall {_stats(fix_wall)}, cpu {_stats(fix_cpu)}")
    print(f"check: wall {_stats(check_wall)}, cpu {_stats(check_cpu)}")
    verdict = "OK" if ratio <= TARGET_RATIO else "MISSED"
    print(f"fix / check: wall {ratio:.2f}, cpu {cpu_ratio:.2f} (target ≤ {TARGET_RATIO}) {verdict}")
    return 0 if ratio <= TARGET_RATIO else 1


if __name__ == "__main__":
    raise SystemExit(main())

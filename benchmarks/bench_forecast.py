"""A 365-day forecast against one `check` of the same file, measured in the same run.

Usage: python benchmarks/bench_forecast.py [--users 100000] [--days 365] [--repeat 3]
                                           [--as-of YYYY-MM-DD] [--workdir DIR]
Target (issue 9): on the 100,000-user benchmark tenant (50 subscriptions), the forecast
takes at most 20× one check. Also prints the number of evaluation days the forecast
needed; with --brute-days N, the brute force (every day) over the first N days, for scale.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from run import show, snapshot, timed_pair  # noqa: E402


def _cli(*args: str) -> list[str]:
    return [sys.executable, "-m", "wxcc_policy", *args]


def evaluation_days(cmd: list[str]) -> tuple[int, int]:
    """Run the forecast once for real (a crash must never be timed as a fast run)."""
    done = subprocess.run(cmd, capture_output=True, text=True, check=False)
    if done.returncode not in (0, 1) or done.stderr:
        raise SystemExit(f"benchmark aborted: {' '.join(cmd)} exited {done.returncode}: {done.stderr.strip()}")
    result = json.loads(done.stdout)
    return result["evaluationDays"], result["summary"]["upcoming"]


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--users", type=int, default=100_000)
    ap.add_argument("--days", type=int, default=365)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--as-of", help="evaluation date of both runs [default: the snapshot's capture date]")
    ap.add_argument("--brute-days", type=int, default=0, help="also time the every-day method over this many days")
    ap.add_argument("--workdir", type=Path)
    args = ap.parse_args(argv)
    workdir = args.workdir or Path(tempfile.mkdtemp(prefix="wxcc-bench-"))
    workdir.mkdir(parents=True, exist_ok=True)
    path = snapshot(workdir, args.users)
    dated = ["--as-of", args.as_of] if args.as_of else []
    check = _cli("check", "--format", "json", *dated, str(path))
    forecast = _cli("forecast", "--format", "json", "--days", str(args.days), *dated, str(path))
    days, upcoming = evaluation_days(forecast)
    print(f"snapshot: {args.users} users, 50 subscriptions; forecast of {args.days} days from {args.as_of or 'the capture date'}")
    print(f"   {days} evaluation day(s) (brute force: {args.days + 1}); {upcoming} upcoming finding(s)")
    ours, base = timed_pair(forecast, check, args.repeat)
    show(f"forecast --days {args.days} vs one check", ours, base, 20)
    if args.brute_days:
        brute = _cli("forecast", "--format", "json", "--every-day", "--days", str(args.brute_days), *dated, str(path))
        slow, again = timed_pair(brute, check, 1)
        per_day = slow["median"] / (args.brute_days + 1)
        print(
            f"   every day over {args.brute_days} days: {slow['median']:.1f} s, {per_day:.2f} s a day: "
            f"{args.days + 1} days would take about {per_day * (args.days + 1) / again['median']:.0f}× one check"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

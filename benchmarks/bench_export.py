"""`export webex --partner` of many orgs from the local fixture server (tests/webex_server.py):
requests made, wall time and peak memory, with the rate limit raised (the baseline) and at
the documented default (270 requests a minute to each API, under the Contact Center's 300).

Usage: python benchmarks/bench_export.py [--orgs 50] [--users 2000] [--limited-orgs 5] [--jobs 4]

The limited run exports --limited-orgs orgs (all of them with --limited-orgs 0 = --orgs)
and is extrapolated to --orgs linearly: at the limit, time is requests ÷ rate, so it grows
with the requests, which the baseline counts for the whole portfolio.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "tests"))

from webex_server import ACME_COMMERCIAL_CSV, PARTNER, TOKEN, FakeWebex, Model, acme_org, uuid_of  # noqa: E402

# Runs the export in a fresh interpreter and prints its own peak RSS (KiB) last on stderr.
RUNNER = (
    "import resource, sys\n"
    "from wxcc_policy.cli import main\n"
    "code = main(sys.argv[1:])\n"
    "print(f'maxrss {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss}', file=sys.stderr)\n"
    "sys.exit(code)\n"
)


def portfolio(orgs: int, users: int) -> Model:
    return Model({uuid_of(n, 6): acme_org(uuid_of(n, 6), f"Customer {n}", agents=users - 2) for n in range(1, orgs + 1)}, me_org=PARTNER)


def run_export(model: Model, workdir: Path, name: str, max_rate: float, jobs: int) -> dict[str, float]:
    records = workdir / "subscriptions.csv"
    records.write_text(ACME_COMMERCIAL_CSV)
    with FakeWebex(model) as fake:
        args = ["export", "webex", "--partner", "--out-dir", str(workdir / name), "--commercial", str(records)]
        args += ["--api-base-url", fake.base + "/v1", "--cc-base-url", fake.base + "/cc", "--max-rate", str(max_rate), "--jobs", str(jobs)]
        env = {**os.environ, "WEBEX_ACCESS_TOKEN": TOKEN, "SOURCE_DATE_EPOCH": "1795000000"}
        start = time.perf_counter()
        done = subprocess.run([sys.executable, "-c", RUNNER, *args], env=env, capture_output=True, text=True, check=False)
        wall = time.perf_counter() - start
        requests = len(fake.requests)
        cc = sum(1 for path, _ in fake.requests if path.startswith("/cc/"))
    if done.returncode != 0:
        raise SystemExit(f"benchmark aborted: export exited {done.returncode}: {done.stderr.strip()}")
    peak = int(done.stderr.strip().splitlines()[-1].split()[1])
    return {
        "orgs": len(model.orgs),
        "requests": requests,
        "adminRequests": requests - cc,
        "ccRequests": cc,
        "seconds": round(wall, 2),
        "peakMiB": round(peak / 1024, 1),
    }


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--orgs", type=int, default=50)
    ap.add_argument("--users", type=int, default=2000)
    ap.add_argument("--limited-orgs", type=int, default=5, help="orgs of the run at the documented rate (0: all)")
    ap.add_argument("--jobs", type=int, default=4)
    ap.add_argument("--rate", type=float, default=270.0, help="the documented default --max-rate")
    args = ap.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        raised = run_export(portfolio(args.orgs, args.users), work, "raised", 1_000_000, args.jobs)
        limited = run_export(portfolio(args.limited_orgs or args.orgs, args.users), work, "limited", args.rate, args.jobs)
    scale = args.orgs / limited["orgs"]
    extrapolated = round(limited["seconds"] * scale, 1)
    print(
        json.dumps({"usersPerOrg": args.users, "raised": raised, "limited": limited, "limitedExtrapolatedSeconds": extrapolated}, indent=2)
    )
    floor = round(max(raised["adminRequests"], raised["ccRequests"]) / args.rate * 60, 1)
    print(f"{args.orgs} orgs x {args.users} users, raised limit: {raised['requests']} requests in {raised['seconds']} s,", end=" ")
    print(f"peak {raised['peakMiB']} MiB")
    print(f"at {args.rate:g}/min per API: {limited['requests']} requests for {limited['orgs']} orgs in {limited['seconds']} s,", end=" ")
    ratio = extrapolated / raised["seconds"]
    print(f"so about {extrapolated} s for {args.orgs} orgs ({ratio:.1f}x the raised run), peak {limited['peakMiB']} MiB;")
    print(f"no faster than {floor} s at that rate: the busier API's {args.orgs}-org requests / rate")
    return 0


if __name__ == "__main__":
    sys.exit(main())

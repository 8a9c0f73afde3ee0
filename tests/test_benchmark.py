"""The benchmark script runs end to end on a tiny snapshot (timing is never asserted)."""

from __future__ import annotations

import subprocess
import sys

from conftest import ROOT


def test_benchmark_script_runs(tmp_path) -> None:
    done = subprocess.run(
        [sys.executable, str(ROOT / "benchmarks" / "run.py"), "--users", "200", "--repeat", "1", "--workdir", str(tmp_path)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert "1. check (all 15 policies) vs json.load: " in done.stdout
    assert "4. evaluation of ACC-001/ACC-002/DAT-001" in done.stdout

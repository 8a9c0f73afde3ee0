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
    assert "1b. the same snapshot on one line vs indented: " in done.stdout
    assert "   check (this tree): wall " in done.stdout  # 3., the small tenant's whole process


def test_the_per_rule_benchmark_agrees_with_the_hand_written_rules(tmp_path) -> None:
    done = subprocess.run(
        [sys.executable, str(ROOT / "benchmarks" / "bench_rules.py"), "--tenants", "6", "--repeat", "1", "--workdir", str(tmp_path)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr  # it asserts, before timing, that every finding is equal
    for rule in ("WXCC-TEL-001", "WXCC-SUB-002", "WXCC-ACC-001", "WXCC-BIL-003"):
        line = next(line for line in done.stdout.splitlines() if line.startswith(rule + ": "))
        assert "findings, all equal" in line and " 0 findings" not in line, line

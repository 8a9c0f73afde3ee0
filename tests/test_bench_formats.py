"""The formats benchmark runs end to end on a tiny snapshot (timing is never asserted)."""

from __future__ import annotations

import subprocess
import sys

import pytest
from conftest import ROOT


@pytest.mark.slow
def test_formats_benchmark_runs(tmp_path) -> None:
    script = ROOT / "benchmarks" / "bench_formats.py"
    command = [sys.executable, str(script), "--users", "200", "--violations", "0.05", "--repeat", "1", "--workdir", str(tmp_path)]
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr
    for fmt in ("text", "sarif", "junit", "github", "gitlab", "rdjson"):
        assert f"check --format {fmt:<6}: " in done.stdout
    assert "check --format json -o + 4 --report: " in done.stdout
    assert "largest format: sarif" in done.stdout

"""The text-edit benchmark runs end to end on a small tenant (timing is never asserted)."""

from __future__ import annotations

import subprocess
import sys

import pytest
from conftest import ROOT


@pytest.mark.slow
def test_text_edits_benchmark_runs(tmp_path) -> None:
    script = ROOT / "benchmarks" / "bench_text_edits.py"
    command = [sys.executable, str(script), "--users", "300", "--violations", "0.05", "--repeat", "1", "--workdir", str(tmp_path)]
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr
    assert "fixes (one replace each)" in done.stdout
    for suffix in ("json", "yaml"):
        assert f"{suffix:<4}: check " in done.stdout and "edit_in_place of all" in done.stdout
    assert (tmp_path / "edited-tenant-300.json").read_text() != (tmp_path / "tenant-300.json").read_text()

"""`report --previous OLD.json` (issue 19): compared with the last audit, tenants newly
failing and passing, findings new and resolved per policy (by key), in every format; a
trend over several earlier reports by run time; another policy set stated, not hidden."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from conftest import EXAMPLES, minimal_snapshot, run_cli
from test_report import _schema_validator


def _write(directory: Path, broken: set[int]) -> Path:
    """Four tenants; those in `broken` have a user mapped to a missing subscription."""
    directory.mkdir(exist_ok=True)
    for i in range(4):
        doc = minimal_snapshot()
        doc["tenant"] = {**doc["tenant"], "id": f"org-{i}"}
        if i in broken:
            doc["users"][0]["subscriptionId"] = "Sub-missing"
        (directory / f"t{i}.json").write_text(json.dumps(doc, indent=2))
    return directory


def _report(runner, monkeypatch, epoch: str, *args: str) -> int:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", epoch)
    return run_cli(runner, "report", "--quiet", *args)[0]


@pytest.fixture
def runs(runner, tmp_path, monkeypatch) -> tuple[Path, Path]:
    """An audit when tenants 0 and 1 failed, then the portfolio now: 1 and 2 fail."""
    tenants = tmp_path / "tenants"
    _write(tenants, {0, 1})
    old = tmp_path / "old.json"
    assert _report(runner, monkeypatch, "1790000000", str(tenants), "-o", str(old)) == 1
    _write(tenants, {1, 2})
    return tenants, old


def test_changes_since_the_previous_report_in_every_format(runner, runs, tmp_path, monkeypatch) -> None:
    tenants, old = runs
    outputs = {fmt: tmp_path / f"new.{fmt}" for fmt in ("json", "md", "csv", "html")}
    for out in outputs.values():
        assert _report(runner, monkeypatch, "1795000000", str(tenants), "--previous", str(old), "-o", str(out)) == 1
    data = json.loads(outputs["json"].read_text())
    _schema_validator().validate(data)
    previous = data["portfolio"]["previous"]
    assert [r["tenant"] for r in previous["newlyFailing"]] == ["org-2"]
    assert [(r["tenant"], r["was"]) for r in previous["newlyPassing"]] == [("org-0", "failing")]
    assert previous["findings"] == {"new": 1, "resolved": 1} and previous["differences"] == []
    assert previous["byPolicy"] == [{"policy": "WXCC-ACC-001", "new": 1, "resolved": 1}]
    assert previous["newFindings"] == ["WXCC-ACC-001:org-2:users/" + minimal_snapshot()["users"][0]["id"]]
    assert [r["tenant"] for r in previous["resolvedFindings"]] == ["org-0"]
    rows = list(csv.DictReader(io.StringIO(outputs["csv"].read_text(), newline="")))
    changes = {(r["tenant"], r["policy"], r["since_previous"]) for r in rows if r["policy"] == "WXCC-ACC-001"}
    assert changes == {("org-1", "WXCC-ACC-001", "existing"), ("org-2", "WXCC-ACC-001", "new"), ("org-0", "WXCC-ACC-001", "resolved")}
    markdown = outputs["md"].read_text()
    assert "### Since the previous report" in markdown and "| 1 | 1 | 1 | 1 | 0 | 0 |" in markdown and "Newly failing: org-2." in markdown
    html = outputs["html"].read_text()
    assert 'id="changes"' in html and "1 tenant newly failing" in html and 'id="chart-trend"' not in html


def test_several_previous_reports_make_a_trend_by_run_time(runner, runs, tmp_path, monkeypatch) -> None:
    tenants, old = runs
    middle = tmp_path / "middle.json"
    assert _report(runner, monkeypatch, "1792000000", str(tenants), "-o", str(middle)) == 1
    out = tmp_path / "new.json"
    # given newest first: the trend and the comparison go by run time, not by argument order
    assert _report(runner, monkeypatch, "1795000000", str(tenants), "--previous", str(middle), "--previous", str(old), "-o", str(out)) == 1
    previous = json.loads(out.read_text())["portfolio"]["previous"]
    assert [p["file"] for p in previous["trend"]] == [str(old), str(middle), None]
    assert [p["tenants"]["failing"] for p in previous["trend"]] == [2, 2, 2]
    assert previous["against"] == str(middle) and previous["findings"] == {"new": 0, "resolved": 0}
    html = tmp_path / "new.html"
    assert _report(runner, monkeypatch, "1795000000", str(tenants), "--previous", str(middle), "--previous", str(old), "-o", str(html)) == 1
    assert 'id="chart-trend"' in html.read_text()


def test_a_report_of_another_policy_set_is_stated(runner, runs, tmp_path, monkeypatch) -> None:
    tenants, old = runs
    out = tmp_path / "new.md"
    custom = EXAMPLES.parent / "custom-policies"
    assert (
        _report(runner, monkeypatch, "1795000000", str(tenants), "--policy-dir", str(custom), "--previous", str(old), "-o", str(out)) == 1
    )
    text = out.read_text()
    assert "**Not strictly comparable:**" in text and "another policy set" in text
    html = tmp_path / "new.html"
    assert (
        _report(runner, monkeypatch, "1795000000", str(tenants), "--policy-dir", str(custom), "--previous", str(old), "-o", str(html)) == 1
    )
    assert "Not strictly comparable" in html.read_text()


def test_a_previous_file_that_is_not_a_report_is_one_line(runner, tmp_path) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text('{"results": []}')
    code, _, err = run_cli(runner, "report", "--quiet", str(EXAMPLES), "--previous", str(bad), "--format", "json")
    assert code == 2 and str(bad) in err and len(err.strip().splitlines()) == 1 and "Traceback" not in err
    code, _, err = run_cli(runner, "report", "--quiet", str(EXAMPLES), "--previous", str(tmp_path / "none.json"), "--format", "json")
    assert code == 2 and "cannot read" in err


def test_the_report_never_overwrites_a_previous_report(runner, runs) -> None:
    tenants, old = runs
    before = old.read_bytes()
    code, _, err = run_cli(runner, "report", "--quiet", str(tenants), "--previous", str(old), "-o", str(old))
    assert code == 2 and "which this run reads" in err and old.read_bytes() == before

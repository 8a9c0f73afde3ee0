"""Flat memory over many files (issue 10): per-file results on disk, reports written in pieces.

The peak-RSS target itself is measured by benchmarks/bench_portfolio.py; here, what makes
it hold: the spool behaves as the sequence it stands for, every piecewise renderer writes
exactly the bytes of the whole document, and the Python heap of a run does not grow with
the number of files (tracemalloc counts allocations exactly, whatever the machine does).
"""

from __future__ import annotations

import errno
import json
import tracemalloc
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import pytest
from conftest import EXAMPLES, ROOT, examples, run_cli
from hypothesis import given, settings
from hypothesis import strategies as st

from wxcc_policy.errors import UsageError
from wxcc_policy.evaluation.results import FileResult, FileResults, Finding, Located, Tally
from wxcc_policy.evaluation.spool import Spool
from wxcc_policy.reporters import json_layout


def _result(n: int, findings: int = 2) -> FileResult:
    found = tuple(
        Finding("P-1", ("error", "warning")[i % 2], f"m{n}.{i}", f"/x/{i}", i + 1, 3, f"P-1:{n}:{i}", waived=i == 1)
        for i in range(findings)
    )
    return FileResult(f"t{n}.json", f"sha256:{n:064x}", f"t{n}", "2026-11-20", findings=found)


def test_a_spool_is_the_sequence_it_was_given() -> None:
    items = [{"n": i, "text": "é" * i} for i in range(50)]
    spool = Spool(items)
    assert len(spool) == 50 and list(spool) == items and list(spool) == items  # read back twice
    assert spool[0] == items[0] and spool[-1] == items[-1] and list(spool[10:13]) == items[10:13]
    assert [a == b for a, b in zip(spool, spool, strict=True)] == [True] * 50  # two readers at once
    assert spool == items and spool != items[:-1]
    with pytest.raises(IndexError):
        spool[50]


def test_a_spool_keeps_its_items_in_memory_where_no_temporary_file_can_be_made(monkeypatch) -> None:
    import tempfile

    def refuse(*args: Any, **kwargs: Any) -> Any:
        raise PermissionError(errno.EACCES, "Permission denied")

    monkeypatch.setattr(tempfile, "TemporaryFile", refuse)
    spool = Spool(range(5))
    assert list(spool) == [0, 1, 2, 3, 4] and spool[3] == 3


def test_a_spool_goes_on_in_memory_when_the_disk_fills_up(monkeypatch) -> None:
    import os

    def full(*args: Any) -> int:
        raise OSError(errno.ENOSPC, "No space left on device")

    spool = Spool([1, 2])
    monkeypatch.setattr(os, "pwrite", full)
    spool.append(3)
    spool.append(4)
    assert list(spool) == [1, 2, 3, 4] and spool[1] == 2 and spool != "1234"


def _failing_midway(monkeypatch: pytest.MonkeyPatch) -> None:
    """The JSON renderer fails on the second file, after the first is rendered."""
    from wxcc_policy.reporters import json_report

    calls = []
    real = json_report.file_dict

    def fails_second(result: FileResult) -> dict[str, Any]:
        calls.append(result.file)
        if len(calls) == 2:
            raise UsageError("rendering failed midway")
        return real(result)

    monkeypatch.setattr(json_report, "file_dict", fails_second)


def test_a_report_that_fails_midway_shows_nothing_on_standard_output(runner, monkeypatch) -> None:
    _failing_midway(monkeypatch)
    code, out, err = run_cli(runner, "check", "--format", "json", str(EXAMPLES))
    assert code == 2 and out == "" and "rendering failed midway" in err


def test_a_report_that_fails_midway_leaves_a_hard_linked_target_as_it_was(runner, monkeypatch, tmp_path: Path) -> None:
    import os

    target, other = tmp_path / "report.json", tmp_path / "same-file.json"
    target.write_text("the previous report\n")
    os.link(target, other)
    _failing_midway(monkeypatch)
    code, _, err = run_cli(runner, "check", "--format", "json", "-o", str(target), str(EXAMPLES))
    assert code == 2 and "rendering failed midway" in err
    assert target.read_text() == other.read_text() == "the previous report\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["report.json", "same-file.json"]


def test_file_results_count_what_the_summary_needs_as_they_are_added() -> None:
    results = [_result(n, findings=n % 4) for n in range(12)] + [FileResult("bad.json", "", eval_error=Located("x", 1, 1))]
    spooled = FileResults(results)
    assert spooled.tally() == Tally.of(results) and spooled.tally().eval_errors == 1
    assert list(spooled) == results


# Keys as json.dumps takes them: strings, and numbers, booleans and null written as strings.
json_keys = st.text(max_size=5) | st.integers() | st.booleans() | st.none() | st.floats()
json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False, allow_infinity=False) | st.text(),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(json_keys, children, max_size=4),
    max_leaves=20,
)


@settings(max_examples=examples(300), deadline=None)
@given(json_values, st.integers(min_value=0, max_value=4))
def test_indented_is_json_dumps_with_indent_two(value: Any, depth: int) -> None:
    expected = json.dumps(value, indent=2, ensure_ascii=False).replace("\n", "\n" + "  " * depth)
    assert json_layout.indented(value, depth) == expected


def test_indented_leaves_no_garbage_for_the_collector() -> None:
    """With collection paused during a run, a cycle per call (json.dumps(indent=2) makes
    one) would grow the memory with every file written."""
    import gc

    result = {"file": "a.json", "findings": [{"policy": "P", "line": 3, "waiver": None}], "schemaErrors": []}
    gc.collect()
    gc.disable()
    try:
        for _ in range(100):
            json_layout.indented(result, 2)
        assert gc.collect() == 0
    finally:
        gc.enable()


@settings(max_examples=examples(200), deadline=None)
@given(st.dictionaries(st.text(max_size=5), json_values, max_size=4), st.lists(json_values, max_size=5), st.text(max_size=5))
def test_a_streamed_document_is_json_dumps_byte_for_byte(document: dict[str, Any], items: list[Any], key: str) -> None:
    whole = {**document, key: items}
    pieces = list(json_layout.streamed(document, key, iter(items)))
    assert "".join(pieces) == json.dumps(whole, indent=2, ensure_ascii=False) + "\n"


@settings(max_examples=examples(200), deadline=None)
@given(json_values, st.lists(json_values, max_size=5), st.integers(min_value=0, max_value=3))
def test_pieces_with_a_streamed_list_are_dumps_of_the_list(head: Any, items: list[Any], inline_from: int) -> None:
    whole = {"head": head, "items": items}
    streamed = {"head": head, "items": json_layout.Streamed(iter(items))}
    assert "".join(json_layout.pieces(streamed, inline_from)) == json_layout.dumps(whole, inline_from)


def _junit_whole_tree(run: Any) -> str:
    """The JUnit document as one tree indented at once: what the pieces must add up to."""
    from wxcc_policy.reporters import junit
    from wxcc_policy.reporters.problems import SYNTHETIC_RULES, rules_of

    policies = [r for r in rules_of(run) if r not in SYNTHETIC_RULES]
    root = ET.Element("testsuites")
    for number, result in enumerate(run.results):
        root.append(junit._suite(result, number, policies))
    ET.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"


def _example_run(paths: list[str]) -> Any:
    from wxcc_policy.evaluation.pipeline import CheckSettings, run_check
    from wxcc_policy.rules.policy_set import load_policy_set

    policies = load_policy_set()
    ids = tuple(p.info.id for p in policies.policies)
    params = {p.info.id: {q.name: q.default for q in p.info.parameters} for p in policies.policies}
    return run_check(CheckSettings(tuple(paths), None, "error", params, ids), policies)


@pytest.mark.parametrize("paths", [[str(EXAMPLES)], []], ids=["examples", "no-file"])
def test_junit_in_pieces_is_the_whole_tree(paths: list[str], monkeypatch) -> None:
    from wxcc_policy.evaluation.results import RunResult
    from wxcc_policy.reporters import junit

    monkeypatch.chdir(ROOT)
    run = _example_run(paths) if paths else RunResult("wxcc-policy", "0", "d", 0, "error")
    assert "".join(junit.chunks(run)) == _junit_whole_tree(run)


def test_sarif_in_pieces_is_the_whole_log(monkeypatch) -> None:
    from wxcc_policy.reporters import sarif

    monkeypatch.chdir(ROOT)
    run = _example_run([str(EXAMPLES)])
    text = "".join(sarif.chunks(run))
    assert text == json_layout.dumps(sarif.as_dict(run), inline_from=2) + "\n"
    assert json.loads(text) == sarif.as_dict(run)


# A fresh interpreter per measurement: in a test worker, other threads (the harness's, a
# fixture's server) allocate while tracemalloc runs and blur the peak. The command runs
# once untraced on the warm-up path (imports, templates, and the bounded caches filled, as
# in a long run), then traced.
_PEAK = """
import contextlib, io, sys, tracemalloc
from wxcc_policy.cli import main
warm, args = sys.argv[1], sys.argv[2:]
peaks = []
with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
    main([*args[:-1], warm])  # the same command on the warm-up path
    for _ in range(2):  # the smaller of two: an interpreter table that doubles once is not ours
        tracemalloc.start()
        code = main(args)
        peaks.append(tracemalloc.get_traced_memory()[1])
        tracemalloc.stop()
print(code, min(peaks))
"""


def _traced_peak(warm: Path, *args: str) -> int:
    import subprocess
    import sys

    done = subprocess.run([sys.executable, "-c", _PEAK, str(warm), *args], capture_output=True, text=True, check=False)
    code, peak = done.stdout.split()  # nothing else: a traceback fails the split
    assert code == "1", done.stderr  # findings: exit 1
    return int(peak)


@pytest.fixture(scope="session")
def portfolios(generated_portfolio, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    small = generated_portfolio(20, 4)
    large = tmp_path_factory.mktemp("flat") / "large"
    large.mkdir()
    for copy in range(10):  # the same 20 tenants ten times: the same largest document
        for source in small.iterdir():
            (large / f"{copy}-{source.name}").write_bytes(source.read_bytes())
    return small, large


@pytest.mark.parametrize(
    "command",
    [
        ("check", "--format", "json"),
        ("check", "--format", "sarif"),
        ("check", "--format", "junit"),
        ("check", "--format", "gitlab"),
        ("check", "--format", "text"),
        ("report", "--format", "html"),
        ("report", "--format", "json"),
    ],
    ids=lambda c: "-".join(c[::2]),
)
def test_the_heap_does_not_grow_with_the_number_of_files(runner, portfolios, tmp_path: Path, command: tuple[str, ...]) -> None:
    """Ten times the files (copies of the same tenants, so the same largest document):
    the peak of the Python heap stays within 1.2x, output written to a file."""
    small, large = portfolios
    out = tmp_path / "out"
    peak_small = _traced_peak(large, *command, "--jobs", "1", "--quiet", "-o", str(out), str(small))
    peak_large = _traced_peak(large, *command, "--jobs", "1", "--quiet", "-o", str(out), str(large))
    assert peak_large <= 1.2 * peak_small, (peak_small, peak_large)


def test_merge_holds_one_part_at_a_time(runner, portfolios, tmp_path: Path) -> None:
    """Ten parts against one, each the same size: merging reads one part at a time (before,
    every part stayed in memory: ten times the heap). The tenants' lines the summary tables
    need still grow with the portfolio, hence 2x rather than 1.2x."""
    small, _ = portfolios
    part = tmp_path / "part.json"
    code, _, err = run_cli(runner, "report", "--jobs", "1", "--quiet", "--format", "json", "-o", str(part), str(small))
    assert code == 1, err
    data = json.loads(part.read_text())
    parts = []
    for copy in range(10):  # the same part under other file names: no file is in two parts
        for result in data["results"]:
            result["file"] = f"copy{copy}/{Path(result['file']).name}"
        parts.append(tmp_path / f"part-{copy}.json")
        parts[-1].write_text(json.dumps(data))
    out = str(tmp_path / "merged.html")
    run_cli(runner, "report", "--merge", str(parts[0]), "-o", out)  # imports, the template compiled: not counted
    tracemalloc.start()
    try:
        run_cli(runner, "report", "--merge", str(parts[0]), "-o", out)
        one = tracemalloc.get_traced_memory()[1]
        tracemalloc.reset_peak()
        code, _, err = run_cli(runner, "report", "--merge", *map(str, parts), "-o", out)
        ten = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert code == 1, err
    assert ten <= 2 * one, (one, ten)


def test_a_run_without_a_usable_temporary_directory_still_reports(runner, portfolios, monkeypatch, tmp_path: Path) -> None:
    """Results, and a report of more than 1 MiB on its way to standard output, are kept in
    memory instead (as before spooling): the report is the same."""
    import tempfile

    _, large = portfolios
    args = ("check", "--format", "json", "--jobs", "1", "--quiet", str(large))
    code, expected, _ = run_cli(runner, *args)
    assert len(expected) > 1 << 20
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path / "gone"))
    code_without, out, err = run_cli(runner, *args)
    assert (code_without, out, err) == (code, expected, "")

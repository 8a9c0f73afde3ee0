"""`wxcc-policy report`: the four formats, provenance, shards and merging, worker processes,
the progress bar, and documents released as the run goes."""

from __future__ import annotations

import csv
import gc
import io
import json
import os
import shutil
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from conftest import EXAMPLES, ROOT, minimal_snapshot, run_cli
from referencing import Registry, Resource

EPOCH = "1795000000"  # 2026-11-18T11:06:40Z: a fixed generation time
HOSTILE = "<script>alert(1)</script>"


def make_portfolio(directory: Path, count: int = 6) -> Path:
    """A small portfolio: passing and failing tenants, one that cannot be parsed, one whose
    id is a script tag and one whose id a spreadsheet would run as a formula."""
    directory.mkdir(parents=True, exist_ok=True)
    for i in range(count):
        doc = minimal_snapshot()
        doc["tenant"] = {**doc["tenant"], "id": f"org-{i:02d}", "name": f"Tenant {i}"}
        if i % 2:  # a user mapped to an unknown subscription: an error finding
            doc["users"][0]["subscriptionId"] = "Sub-missing"
        (directory / f"tenant-{i:02d}.json").write_text(json.dumps(doc, indent=2))
    shutil.copy(EXAMPLES / "violations-tenant.yaml", directory / "violations.yaml")
    hostile = minimal_snapshot()
    hostile["tenant"] = {**hostile["tenant"], "id": HOSTILE, "name": HOSTILE}
    hostile["users"][0]["subscriptionId"] = "Sub-missing"
    (directory / "hostile.json").write_text(json.dumps(hostile, indent=2))
    formula = minimal_snapshot()
    formula["tenant"] = {**formula["tenant"], "id": "=HYPERLINK(1)"}
    formula["users"][0]["subscriptionId"] = "Sub-missing"
    (directory / "formula.json").write_text(json.dumps(formula, indent=2))
    (directory / "broken.json").write_text('{"snapshotVersion": "1",\n  "capturedAt": }\n')
    return directory


@pytest.fixture
def portfolio(tmp_path: Path) -> Path:
    return make_portfolio(tmp_path / "tenants")


@pytest.fixture
def relative_portfolio(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The portfolio named by a relative path: shards are chosen by the path as given, so
    tests of shards must not depend on the name of pytest's temporary directory."""
    make_portfolio(tmp_path / "tenants")
    monkeypatch.chdir(tmp_path)
    return Path("tenants")


def report(runner: Any, *args: str) -> tuple[int, str, str]:
    return run_cli(runner, "report", "--quiet", *args)


def _schema_validator() -> jsonschema.Draft202012Validator:
    schemas = {n: json.loads((ROOT / "schemas" / f"{n}.schema.json").read_text()) for n in ("result", "report")}
    registry: Registry = Registry().with_resources([(s["$id"], Resource.from_contents(s)) for s in schemas.values()])
    return jsonschema.Draft202012Validator(schemas["report"], registry=registry, format_checker=jsonschema.FormatChecker())


@pytest.fixture(autouse=True)
def _fixed_time(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)


def test_json_report_matches_its_schema_and_adds_up(runner, portfolio, tmp_path) -> None:
    out = tmp_path / "r.json"
    code, stdout, err = report(runner, str(portfolio), "-o", str(out))
    # a failing report says why on stderr: the last line of `check`'s text output (the report is in the file)
    check_text = run_cli(runner, "check", str(portfolio))[1]
    assert (code, stdout, err) == (1, "", check_text.splitlines()[-1] + "\n")
    assert err.startswith("10 files checked: ") and err.endswith(", 1 invalid. Failed.\n")
    data = json.loads(out.read_text())
    _schema_validator().validate(data)
    agg = data["portfolio"]["aggregates"]
    assert agg["tenants"] == {"checked": 10, "passing": 3, "failing": 6, "invalid": 1}
    assert data["portfolio"]["generatedAt"] == "2026-11-18T11:06:40Z"
    by_policy = {row["policy"]: row for row in agg["byPolicy"]}
    assert sum(row["error"] for row in agg["byPolicy"]) == data["summary"]["error"] == agg["findings"]["error"]
    assert by_policy["WXCC-ACC-001"]["tenants"] == 6  # three odd tenants, hostile, formula, violations
    # every copy of the acme tenant has the ACC-002 warning: warnings count as failing a policy
    assert agg["mostFailing"][:2] == [{"policy": "WXCC-ACC-002", "tenants": 8}, {"policy": "WXCC-ACC-001", "tenants": 6}]
    assert agg["mostErrors"][0]["file"].endswith("violations.yaml")  # 4 errors, more than any other


def test_overview_comes_from_the_library(runner, portfolio, tmp_path) -> None:
    out = tmp_path / "r.json"
    report(runner, str(portfolio / "tenant-00.json"), "-o", str(out))
    overview = json.loads(out.read_text())["portfolio"]["overviews"][0]
    assert overview["facts"] == {"capturedAt": "2026-11-20T09:00:00Z", "tenantName": "Tenant 0"}
    assert overview["rows"][0] == {
        "Subscription": "Sub-100",
        "Status": "active",
        "Term": "2024-02-01 to 2027-01-31",
        "Model": "named",
        "Primary on the evaluation date": "primary",
    }
    assert overview["rows"][1]["Primary on the evaluation date"] == ""


def test_html_report_is_escaped_self_contained_and_reproducible(runner, portfolio, tmp_path) -> None:
    first, second = tmp_path / "a.html", tmp_path / "b.html"
    assert report(runner, str(portfolio), "-o", str(first))[0] == 1
    assert report(runner, str(portfolio), "-o", str(second), "--jobs", "1")[0] == 1
    html = first.read_text()
    assert html == second.read_text()  # SOURCE_DATE_EPOCH: same inputs, same bytes
    assert HOSTILE not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert html.count("<script") == 1  # only ours
    for marker in ('id="summary"', 'id="tenants"', 'id="policies"', 'id="provenance"', "<svg", "@media print", "Subscriptions at a glance"):
        assert marker in html
    assert "http://" not in html.replace('xmlns="http://www.w3.org/2000/svg"', "") and "https://" not in html
    assert "src=" not in html and '<link rel="stylesheet"' not in html
    assert "2026-11-18T11:06:40Z" in html


def test_provenance_names_every_input(runner, portfolio, tmp_path) -> None:
    out = tmp_path / "r.html"
    report(runner, str(portfolio), "-o", str(out))
    html = out.read_text()
    data = json.loads(run_cli(runner, "check", "--format", "json", str(portfolio))[1])
    for result in data["results"]:
        assert result["digest"] in html
    assert data["policySet"]["digest"] in html and "expiryWarningDays" in html


def test_csv_one_row_per_finding_with_formulas_neutralised(runner, portfolio, tmp_path) -> None:
    out = tmp_path / "r.csv"
    report(runner, str(portfolio), "-o", str(out))
    raw = out.read_bytes()
    assert b"\r\n" in raw
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8"), newline="")))
    header, body = rows[0], rows[1:]
    assert header == [
        "tenant",
        "file",
        "line",
        "column",
        "policy",
        "severity",
        "message",
        "key",
        "waived",
        "impact_measure",
        "impact_value",
        "since_previous",
    ]
    data = json.loads(run_cli(runner, "check", "--format", "json", str(portfolio))[1])
    assert len(body) == sum(len(r["findings"]) for r in data["results"])
    assert "'=HYPERLINK(1)" in {row[0] for row in body}
    assert not [cell for row in body for cell in row if cell and cell[0] in "=+-@"]


def test_csv_neutralises_each_formula_start() -> None:
    from wxcc_policy.reporters.portfolio.csv_report import neutralised

    assert [neutralised(v) for v in ("=1+1", "+1", "-1", "@SUM(A1)", "plain", 3, True)] == [
        "'=1+1",
        "'+1",
        "'-1",
        "'@SUM(A1)",
        "plain",
        "3",
        "true",
    ]


def test_markdown_has_the_summary_and_a_section_per_policy(runner, portfolio, tmp_path) -> None:
    out = tmp_path / "r.md"
    report(runner, str(portfolio), "-o", str(out))
    text = out.read_text()
    assert text.startswith("# Portfolio report\n")
    assert "| 10 | 6 | 1 | 3 |" in text
    assert text.count("\n### WXCC-") == 15
    assert "&lt;script&gt;" in text and HOSTILE not in text


def test_format_by_option_or_extension(runner, portfolio, tmp_path) -> None:
    code, out, _ = report(runner, str(portfolio / "tenant-00.json"), "--format", "markdown")
    assert code == 0 and out.startswith("# Portfolio report")
    code, _, err = report(runner, str(portfolio), "-o", str(tmp_path / "r.txt"))
    assert code == 2 and "say which format" in err
    code, _, err = report(runner, str(portfolio), "--format", "json", "--shard", "3/2")
    assert code == 2 and "'--shard': '3/2' is not K/N" in err


def test_jobs_give_the_same_bytes(runner, portfolio, tmp_path) -> None:
    outputs = {}
    for jobs in ("1", "2", "3"):
        outputs[jobs] = run_cli(runner, "check", "--quiet", "--format", "json", "--jobs", jobs, str(portfolio))
        report(runner, str(portfolio), "--jobs", jobs, "-o", str(tmp_path / f"r{jobs}.json"))
    assert outputs["1"] == outputs["2"] == outputs["3"]
    assert outputs["1"][0] == 1
    assert (tmp_path / "r1.json").read_text() == (tmp_path / "r2.json").read_text() == (tmp_path / "r3.json").read_text()


def test_shards_partition_the_inputs_and_merge_back(runner, relative_portfolio, tmp_path) -> None:
    whole = tmp_path / "whole.json"
    report(runner, str(relative_portfolio), "-o", str(whole))
    parts = []
    for k in (1, 2, 3):
        part = tmp_path / f"part-{k}.json"
        report(runner, str(relative_portfolio), "--shard", f"{k}/3", "-o", str(part))
        parts.append(part)
    files = [r["file"] for p in parts for r in json.loads(p.read_text())["results"]]
    assert sorted(files) == sorted(r["file"] for r in json.loads(whole.read_text())["results"])  # disjoint, complete
    merged = tmp_path / "merged.json"
    code, _, err = report(runner, "--merge", *map(str, reversed(parts)), "-o", str(merged))
    assert code == 1 and err == report(runner, str(relative_portfolio), "-o", str(tmp_path / "whole.md"))[2]  # the same summary
    assert err.count("\n") == 1 and err.endswith("Failed.\n")
    a, b = json.loads(whole.read_text()), json.loads(merged.read_text())
    _schema_validator().validate(b)
    assert b["portfolio"]["shards"] == ["1/3", "2/3", "3/3"]
    for key in ("results", "summary", "policySet"):
        assert a[key] == b[key]
    a["portfolio"]["shards"] = b["portfolio"]["shards"]
    assert a["portfolio"] == b["portfolio"]
    assert report(runner, "--merge", *map(str, parts), "-o", str(tmp_path / "merged.html"))[0] == 1


def test_merge_refuses_hostile_or_malformed_parts_in_one_line(runner, relative_portfolio, tmp_path) -> None:
    """A part nested deeper than any report (the renderers recurse) or missing what a report
    has is refused with its path and exit 2, never an internal error; a part evaluated
    differently is reported first, as every part is read before anything is merged."""
    one, two = tmp_path / "one.json", tmp_path / "two.json"
    report(runner, str(relative_portfolio), "--shard", "1/2", "-o", str(one))
    report(runner, str(relative_portfolio), "--shard", "2/2", "-o", str(two))
    data = json.loads(two.read_text())
    deep: list[Any] = []
    for _ in range(400):
        deep = [deep]
    data["portfolio"]["overviews"][0] = {"facts": {"x": deep}}
    hostile = tmp_path / "deep.json"
    hostile.write_text(json.dumps(data))
    code, out, err = report(runner, "--merge", str(one), str(hostile), "-o", str(tmp_path / "m.html"))
    assert code == 2 and out == "" and "internal error" not in err
    assert err.count("\n") == 1 and str(hostile) in err and "nesting deeper than 200 levels at /portfolio/overviews/0/facts/x/0/0" in err
    data = json.loads(two.read_text())
    del data["summary"]
    malformed = tmp_path / "malformed.json"
    malformed.write_text(json.dumps(data))
    code, _, err = report(runner, "--merge", str(one), str(malformed), "-o", str(tmp_path / "m.html"))
    assert code == 2 and "not a JSON report" in err and str(malformed) in err and "internal error" not in err
    data["tool"]["version"] = "0.0.0"
    other = tmp_path / "other-version.json"
    other.write_text(json.dumps(data))
    code, _, err = report(runner, "--merge", str(malformed), str(other), "-o", str(tmp_path / "m.html"))
    assert code == 2 and "different tool version" in err and str(other) in err


def test_merge_refuses_parts_evaluated_differently(runner, relative_portfolio, tmp_path) -> None:
    one, other = tmp_path / "one.json", tmp_path / "other.json"
    report(runner, str(relative_portfolio), "--shard", "1/2", "-o", str(one))
    report(runner, str(relative_portfolio), "--shard", "2/2", "--as-of", "2027-01-01", "-o", str(other))
    code, _, err = report(runner, "--merge", str(one), str(other), "-o", str(tmp_path / "m.html"))
    assert code == 2 and "different evaluation settings" in err and str(other) in err
    code, _, err = report(runner, "--merge", str(one), str(one), "-o", str(tmp_path / "m.html"))
    assert code == 2 and "in more than one part" in err
    data = json.loads(other.read_text())
    data["policySet"]["digest"] = "sha256:" + "0" * 64
    other.write_text(json.dumps(data))
    code, _, err = report(runner, "--merge", str(one), str(other), "-o", str(tmp_path / "m.html"))
    assert code == 2 and "different policy set digest" in err
    code, _, err = report(runner, "--merge", str(EXAMPLES / "acme-tenant.json"), "-o", str(tmp_path / "m.html"))
    assert code == 2 and "not a JSON report" in err
    code, _, err = report(runner, "--merge", "--as-of", "2027-01-01", str(one), "-o", str(tmp_path / "m.html"))
    assert code == 2 and "--as-of" in err


def test_shard_is_deterministic_by_path() -> None:
    from wxcc_policy.evaluation.parallel import Shard, parse_shard

    names = [f"tenants/t-{i}.json" for i in range(400)]
    shards = [parse_shard(f"{k}/4") for k in (1, 2, 3, 4)]
    owners = [[s for s in shards if s.holds(n)] for n in names]
    assert all(len(o) == 1 for o in owners)
    sizes = [sum(1 for o in owners if o[0] == s) for s in shards]
    assert min(sizes) > 60  # roughly even
    assert [Shard(2, 4).holds(n) for n in names] == [parse_shard("2/4").holds(n) for n in names]
    assert Shard(1, 1).holds("anything")


def test_documents_are_released_after_each_file(portfolio) -> None:
    """With collection paused (as the CLI runs), nothing of a checked document may be left
    in a reference cycle: otherwise memory grows with the number of files."""
    from wxcc_policy.evaluation.parallel import run_files
    from wxcc_policy.evaluation.pipeline import CheckSettings
    from wxcc_policy.evaluation.report_extras import per_file
    from wxcc_policy.rules.policy_set import load_policy_set

    policies = load_policy_set()
    params = {p.info.id: {q.name: q.default for q in p.info.parameters} for p in policies.policies}
    settings = CheckSettings((str(portfolio),), None, "error", params, tuple(params))
    gc.collect()
    gc.disable()
    try:
        run, extras = run_files(settings, policies, jobs=1, extra=per_file(None))
        assert len(run.results) == len(extras) == 10
        assert gc.collect() == 0
    finally:
        gc.enable()


def test_progress_bar_only_on_a_terminal() -> None:
    from wxcc_policy.commands.progress import ProgressBar, progress_for, render_bar

    class Terminal(io.StringIO):
        def isatty(self) -> bool:
            return True

    assert progress_for(False, io.StringIO()) is None
    assert progress_for(True, Terminal()) is None
    stream = Terminal()
    ticks = iter([0.0, 1.0, 1.05, 2.0])
    bar = ProgressBar(stream, clock=lambda: next(ticks))
    bar(1, 4)
    bar(2, 4)  # 50 ms later: not redrawn
    bar(4, 4)
    bar.close()
    assert stream.getvalue() == "\r" + render_bar(1, 4, 1.0) + "\r" + render_bar(4, 4, 2.0) + "\r\x1b[K"
    assert render_bar(1, 4, 1.0) == "[######..................] 1/4 files  1.0/s  ETA 3 s"


def test_check_on_a_portfolio_shows_no_progress_when_piped(runner, portfolio) -> None:
    code, out, err = run_cli(runner, "check", "--jobs", "2", str(portfolio))
    assert code == 1 and err == "" and "10 files checked" in out


@pytest.mark.slow
def test_report_over_a_generated_portfolio(generated_portfolio, tmp_path) -> None:
    """The four formats over a generated portfolio, through the installed command."""
    import subprocess
    import sys

    directory = generated_portfolio(40, 3)
    for suffix in ("html", "md", "csv", "json"):
        out = tmp_path / f"report.{suffix}"
        done = subprocess.run(
            [sys.executable, "-m", "wxcc_policy", "report", str(directory), "-o", str(out), "--jobs", "2"],
            capture_output=True,
            text=True,
            check=False,
            env={**os.environ, "SOURCE_DATE_EPOCH": EPOCH},
        )
        assert done.returncode == 1 and done.stderr.endswith("Failed.\n") and done.stderr.count("\n") == 1, done.stderr
        assert out.stat().st_size > 10_000
    data = json.loads((tmp_path / "report.json").read_text())
    _schema_validator().validate(data)
    assert data["portfolio"]["aggregates"]["tenants"]["checked"] == 40


def test_waivers_applied_are_in_the_provenance(runner, portfolio, tmp_path) -> None:
    waivers = tmp_path / "waivers.yaml"
    waivers.write_text(
        "waivers:\n"
        "  - policy: WXCC-ACC-002\n"
        "    tenant: org-00\n"
        "    reason: Remap planned in <the> December window\n"
        "    owner: billing-team@example.com\n"
        "    granted: 2026-11-01\n"
        "    expires: 2026-12-31\n"
    )
    out = tmp_path / "r.html"
    report(runner, str(portfolio), "--waivers", str(waivers), "-o", str(out))
    html = out.read_text()
    assert 'id="waivers"' in html and "billing-team@example.com" in html
    assert "Remap planned in &lt;the&gt; December window" in html
    data_out = tmp_path / "r.json"
    report(runner, str(portfolio), "--waivers", str(waivers), "-o", str(data_out))
    data = json.loads(data_out.read_text())
    assert data["summary"]["waived"] == 1
    assert next(r for r in data["results"] if r["tenant"] == "org-00")["findings"][0]["waived"] is True


def test_coming_up_with_a_horizon_survives_a_merge(runner, relative_portfolio, tmp_path) -> None:
    whole = tmp_path / "whole.json"
    report(runner, str(relative_portfolio), "--horizon", "90", "-o", str(whole))
    data = json.loads(whole.read_text())
    _schema_validator().validate(data)
    coming = data["portfolio"]["comingUp"]
    assert coming["horizon"] == 90 and coming["events"]
    assert [e["since"] for e in coming["events"]] == sorted(e["since"] for e in coming["events"])
    assert {e["policy"] for e in coming["events"]} >= {"WXCC-ACC-001"}  # Sub-200 ends on 2026-12-10
    parts = [tmp_path / f"part-{k}.json" for k in (1, 2)]
    for k, part in enumerate(parts, start=1):
        report(runner, str(relative_portfolio), "--horizon", "90", "--shard", f"{k}/2", "-o", str(part))
    merged = tmp_path / "merged.json"
    report(runner, "--merge", *map(str, parts), "-o", str(merged))
    assert json.loads(merged.read_text())["portfolio"]["comingUp"] == coming
    html = tmp_path / "r.html"
    report(runner, "--merge", *map(str, parts), "-o", str(html))
    assert 'id="coming-up"' in html.read_text() and 'id="chart-upcoming"' in html.read_text()
    other = tmp_path / "other.json"
    report(runner, str(relative_portfolio), "--horizon", "30", "--shard", "2/2", "-o", str(other))
    code, _, err = report(runner, "--merge", str(parts[0]), str(other), "-o", str(html))
    assert code == 2 and "different evaluation settings" in err


@pytest.mark.slow
def test_portfolio_benchmark_runs(tmp_path) -> None:
    """The benchmark script runs end to end on a tiny portfolio (timing is never asserted)."""
    import subprocess
    import sys

    done = subprocess.run(
        [sys.executable, str(ROOT / "benchmarks" / "bench_portfolio.py"), "--tenants", "8", "--repeat", "1",
         "--memory-tenants", "4", "8", "--workdir", str(tmp_path)],
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    expected = ("1. check --jobs 1 vs json.load: ratio", "floor: strict reading", "2. --jobs 2 speed-up over --jobs 1:", "3. peak RSS")
    for target in expected:
        assert target in done.stdout


def test_a_worker_that_dies_is_an_error_not_a_hang(portfolio) -> None:
    from wxcc_policy.errors import UsageError
    from wxcc_policy.evaluation.parallel import run_files
    from wxcc_policy.evaluation.pipeline import CheckSettings
    from wxcc_policy.rules.policy_set import load_policy_set

    policies = load_policy_set()
    params = {p.info.id: {q.name: q.default for q in p.info.parameters} for p in policies.policies}
    settings = CheckSettings((str(portfolio),), None, "error", params, tuple(params))

    def dies(*_: Any) -> None:
        os._exit(3)  # as the kernel's out-of-memory killer would end it

    with pytest.raises(UsageError, match="worker process ended abruptly"):
        run_files(settings, policies, jobs=2, extra=dies)


def test_the_documented_shard_example_works(portfolio, tmp_path) -> None:
    import re
    import subprocess
    import sys

    text = (ROOT / "docs" / "report.md").read_text()
    block = re.search(r"Try it on one machine.*?```sh\n(.*?)```", text, re.S)
    assert block is not None
    shutil.copytree(portfolio, tmp_path / "work" / "tenants")
    script = f'wxcc-policy() {{ "{sys.executable}" -m wxcc_policy "$@"; }}\nset -e\n' + block.group(1)
    done = subprocess.run(["bash", "-c", script], cwd=tmp_path / "work", capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr
    html = (tmp_path / "work" / "report.html").read_text()
    assert "Merged from shards" in html and "1/4, 2/4, 3/4, 4/4" in html
    assert html.count('<details class="tenant"') == 10


def test_merge_keeps_waiver_notices_once_and_drops_those_used_elsewhere(runner, relative_portfolio, tmp_path) -> None:
    waivers = tmp_path / "waivers.yaml"
    rule = "    reason: r\n    owner: o@example.com\n    granted: 2026-11-01\n    expires: 2026-12-31\n"
    waivers.write_text(f"waivers:\n  - policy: WXCC-TEL-001\n{rule}  - policy: WXCC-DAT-001\n{rule}")
    parts = []
    for k in (1, 2, 3):
        part = tmp_path / f"part-{k}.json"
        report(runner, str(relative_portfolio), "--waivers", str(waivers), "--shard", f"{k}/3", "-o", str(part))
        parts.append(part)
    unused = [[n for n in json.loads(p.read_text())["notices"] if n["kind"] == "waiver-unused"] for p in parts]
    assert sum(len(u) for u in unused) == 5  # DAT-001's in every shard, TEL-001's in the two without org-x
    merged = tmp_path / "merged.json"
    report(runner, "--merge", *map(str, parts), "-o", str(merged))
    notices = json.loads(merged.read_text())["notices"]
    assert [n["key"] for n in notices if n["kind"] == "waiver-unused"] == ["WXCC-DAT-001:*:**"]


@pytest.mark.slow
@pytest.mark.parametrize("quiet", [False, True])
def test_progress_bar_on_a_real_terminal(portfolio, quiet: bool) -> None:
    """stderr on a pseudo-terminal: the bar is drawn (and cleared); --quiet draws nothing."""
    import pty
    import subprocess
    import sys

    leader, follower = pty.openpty()
    cmd = [sys.executable, "-m", "wxcc_policy", "check", "--jobs", "2", *(["--quiet"] if quiet else []), str(portfolio)]
    done = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=follower, check=False)
    os.close(follower)
    seen = b""
    while True:
        try:
            chunk = os.read(leader, 65536)
        except OSError:  # the terminal's other end is closed: all read
            break
        if not chunk:
            break
        seen += chunk
    os.close(leader)
    assert done.returncode == 1 and b"10 files checked" in done.stdout
    if quiet:
        assert seen == b""
    else:
        assert b"10/10 files" in seen and seen.endswith(b"\r\x1b[K")

"""Several reports from one run (`--report FORMAT=PATH`, `reports:`), the summary on stderr
when stdout shows no report, and `-` for standard input."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import EXAMPLES, ROOT, run_cli

ACME = EXAMPLES / "acme-tenant.json"
VIOLATIONS = EXAMPLES / "violations-tenant.yaml"


def test_one_run_prints_text_and_writes_sarif_and_junit(runner, tmp_path: Path, monkeypatch) -> None:
    monkeypatch.chdir(ROOT)
    sarif, xml = tmp_path / "wxcc.sarif", tmp_path / "wxcc.xml"
    code, out, err = run_cli(runner, "check", "examples/tenants", "--report", f"sarif={sarif}", "--report", f"junit={xml}")
    assert code == 1 and err == ""
    assert out == run_cli(runner, "check", "examples/tenants")[1]
    assert sarif.read_text() == run_cli(runner, "check", "--format", "sarif", "examples/tenants")[1]
    assert xml.read_text() == run_cli(runner, "check", "--format", "junit", "examples/tenants")[1]


def test_summary_goes_to_stderr_when_the_report_goes_to_a_file(runner, tmp_path: Path) -> None:
    report = tmp_path / "r.json"
    code, out, err = run_cli(runner, "check", "--format", "json", "-o", str(report), str(VIOLATIONS))
    assert code == 1 and out == ""
    assert err == "1 file checked: 4 errors, 1 warning, 0 info. Failed.\n"
    assert json.loads(report.read_text())["summary"]["passed"] is False


def test_reports_from_the_configuration_are_relative_to_it(runner, tmp_path: Path) -> None:
    (tmp_path / "out").mkdir()
    config = tmp_path / "wxcc.yaml"
    config.write_text("reports:\n  gitlab: out/codequality.json\n  github: out/annotations.txt\n")
    code, _, _ = run_cli(runner, "check", "--config", str(config), str(VIOLATIONS))
    assert code == 1
    assert len(json.loads((tmp_path / "out" / "codequality.json").read_text())) == 5
    assert (tmp_path / "out" / "annotations.txt").read_text().count("::error ") == 4
    # The command line wins over the configuration.
    (tmp_path / "out" / "codequality.json").unlink()
    run_cli(runner, "check", "--config", str(config), "--report", f"json={tmp_path / 'x.json'}", str(VIOLATIONS))
    assert (tmp_path / "x.json").exists() and not (tmp_path / "out" / "codequality.json").exists()


@pytest.mark.parametrize(
    ("value", "message"),
    [("sarif", "is not FORMAT=PATH"), ("sarif=", "is not FORMAT=PATH"), ("pdf=x.pdf", "unknown format 'pdf'")],
)
def test_bad_report_option(runner, value: str, message: str) -> None:
    code, _, err = run_cli(runner, "check", "--report", value, str(ACME))
    assert code == 2 and message in err


def test_two_reports_on_one_file_are_refused_before_the_run(runner, tmp_path: Path) -> None:
    same = tmp_path / "r.txt"
    code, _, err = run_cli(runner, "check", "-o", str(same), "--report", f"junit={same}", str(ACME))
    assert code == 2 and "two reports would be written to the same file" in err
    assert not same.exists()


@pytest.mark.parametrize("option", ["--report", "-o"])
def test_a_report_in_a_missing_directory_is_refused_before_the_run(runner, tmp_path: Path, option: str) -> None:
    """Not after a long evaluation, and not after the text report went to stdout."""
    target = tmp_path / "no" / "such" / "r.sarif"
    value = f"sarif={target}" if option == "--report" else str(target)
    code, out, err = run_cli(runner, "check", option, value, str(VIOLATIONS))
    assert code == 2 and out == ""
    assert err == f"wxcc-policy: error: {target}: cannot write the report: No such file or directory ({target.parent})\n"


def test_bad_reports_in_the_configuration_are_located(runner, tmp_path: Path) -> None:
    config = tmp_path / "wxcc.yaml"
    config.write_text("reports:\n  pdf: x.pdf\n")
    code, _, err = run_cli(runner, "check", "--config", str(config), str(ACME))
    assert code == 2 and f"{config}:2:" in err


def test_stdin_json_and_yaml(runner) -> None:
    code, out, _ = runner_input(runner, VIOLATIONS.read_bytes(), "check", "--format", "json", "-")
    result = json.loads(out)["results"][0]
    assert code == 1 and result["file"] == "<stdin>" and len(result["findings"]) == 5
    code, out, _ = runner_input(runner, ACME.read_bytes(), "check", "-")
    assert code == 0 and out.startswith("<stdin>:45:109: warning WXCC-ACC-002")


def test_stdin_beside_files_in_worker_processes() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "wxcc_policy", "check", "--jobs", "2", "--format", "github", str(ACME), "-", str(VIOLATIONS)],
        input=VIOLATIONS.read_bytes(),
        capture_output=True,
        check=False,
    )
    out = done.stdout.decode()
    assert done.returncode == 1, done.stderr
    assert out.count("title=WXCC-TEL-001::") == 2  # the file and standard input
    assert out.endswith("3 files checked: 8 errors, 3 warnings, 0 info. Failed.\n")


def runner_input(runner, data: bytes, *args: str) -> tuple[int, str, str]:
    from wxcc_policy.cli import main

    with runner.isolation(input=data) as streams:
        code = main(list(args))
        return code, streams[0].getvalue().decode(), streams[1].getvalue().decode()

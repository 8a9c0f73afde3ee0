"""The documented pipeline jobs (docs/ci.md) and the README's pre-commit snippet, run as a
user would paste them."""

from __future__ import annotations

import itertools
import json
import os
import re
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import jsonschema
import pytest
import xmlschema
import yaml
from conftest import EXAMPLES, ROOT

DOC = (ROOT / "docs" / "ci.md").read_text()
EXTERNAL = ROOT / "tests" / "data" / "external"
FENCE = re.compile(r"```(\w+)\n(.*?)```", re.S)
COMMAND = re.compile(r"wxcc-policy check [^'\"\n]*")


def documented_commands() -> list[str]:
    return [m.group(0).strip() for _, block in FENCE.findall(DOC) for m in COMMAND.finditer(block)]


def blocks(language: str) -> list[str]:
    return [body for lang, body in FENCE.findall(DOC) if lang == language]


@pytest.fixture
def checkout(tmp_path: Path) -> Path:
    (tmp_path / "tenants").mkdir()
    shutil.copy(EXAMPLES / "acme-tenant.json", tmp_path / "tenants" / "acme.json")
    shutil.copy(EXAMPLES / "violations-tenant.yaml", tmp_path / "tenants" / "broken.yaml")
    return tmp_path


def test_the_doc_documents_a_command_for_each_pipeline() -> None:
    commands = documented_commands()
    assert len(commands) == 6
    assert any("--report sarif=" in c for c in commands) and any("--report gitlab=" in c for c in commands)
    assert any("--report junit=" in c for c in commands) and any(c.endswith(" -") for c in commands)


@pytest.mark.parametrize("command", documented_commands())
def test_documented_command_runs_and_writes_valid_reports(command: str, checkout: Path) -> None:
    args = shlex.split(command)
    stdin = (EXAMPLES / "acme-tenant.json").read_bytes() if args[-1] == "-" else None
    done = subprocess.run([sys.executable, "-m", "wxcc_policy", *args[1:]], cwd=checkout, input=stdin, capture_output=True, check=False)
    assert done.returncode in (0, 1), done.stderr
    assert b"error:" not in done.stderr
    outputs = dict(_outputs(args))
    for path, fmt in outputs.items():
        _validate(fmt, (checkout / path).read_text())
    if "-o" in args or "--output" in args:
        assert done.stdout == b"" and done.stderr.decode().endswith(("Passed.\n", "Failed.\n"))
    else:
        assert done.stdout.decode().endswith(("Passed.\n", "Failed.\n"))  # text or github on the log


def _outputs(args: list[str]) -> list[tuple[str, str]]:
    found = []
    fmt = args[args.index("--format") + 1] if "--format" in args else "text"
    for flag, value in itertools.pairwise(args):
        if flag == "--report":
            name, _, path = value.partition("=")
            found.append((path, name))
        elif flag in ("-o", "--output"):
            found.append((value, fmt))
    return found


def _validate(fmt: str, text: str) -> None:
    if fmt == "sarif":
        schema = json.loads((EXTERNAL / "sarif-schema-2.1.0.json").read_text())
        jsonschema.Draft4Validator(schema).validate(json.loads(text))
    elif fmt == "junit":
        xmlschema.XMLSchema(str(EXTERNAL / "JUnit.xsd")).validate(text)
    elif fmt == "gitlab":
        assert all({"description", "check_name", "fingerprint", "severity", "location"} <= set(i) for i in json.loads(text))
    elif fmt == "rdjson":
        schema = json.loads((EXTERNAL / "reviewdog" / "DiagnosticResult.json").read_text())
        jsonschema.Draft4Validator(schema).validate(json.loads(text))
    elif fmt == "json":
        schema = json.loads((ROOT / "schemas" / "result.schema.json").read_text())
        jsonschema.Draft202012Validator(schema).validate(json.loads(text))


def _report_path(command: str, fmt: str) -> str:
    return re.search(rf"--report {fmt}=(\S+)", command).group(1)  # type: ignore[union-attr]


def test_github_workflow_uploads_the_sarif_the_check_writes() -> None:
    (workflow,) = [yaml.safe_load(b) for b in blocks("yaml") if "upload-sarif" in b]
    steps = workflow["jobs"]["check"]["steps"]
    check = next(s["run"] for s in steps if "wxcc-policy check" in s.get("run", ""))
    upload = next(s for s in steps if "upload-sarif" in s.get("uses", ""))
    assert upload["with"]["sarif_file"] == _report_path(check, "sarif")
    assert "--format github" in check
    assert workflow["permissions"]["security-events"] == "write"


def test_reviewdog_job_reads_the_rdjson_the_check_writes() -> None:
    (workflow,) = [yaml.safe_load(b) for b in blocks("yaml") if "reviewdog" in b]
    steps = workflow["jobs"]["review"]["steps"]
    check = next(s["run"] for s in steps if "wxcc-policy check" in s.get("run", ""))
    review = next(s["run"] for s in steps if s.get("run", "").startswith("reviewdog "))
    written = check.split(" -o ")[1].split()[0]
    assert "--format rdjson" in check and "-f=rdjson" in review and review.endswith(f"< {written}")
    assert workflow["permissions"]["pull-requests"] == "write"


def test_gitlab_job_publishes_the_reports_the_check_writes() -> None:
    (job,) = [yaml.safe_load(b)["wxcc-policy"] for b in blocks("yaml") if "codequality" in b]
    check = next(line for line in job["script"] if "wxcc-policy check" in line)
    reports = job["artifacts"]["reports"]
    assert reports["codequality"] == _report_path(check, "gitlab")
    assert reports["junit"] == _report_path(check, "junit")
    assert job["artifacts"]["when"] == "always"


def test_jenkins_pipeline_publishes_the_junit_the_check_writes() -> None:
    (jenkinsfile,) = blocks("groovy")
    check = COMMAND.search(jenkinsfile).group(0)  # type: ignore[union-attr]
    assert f"junit testResults: '{_report_path(check, 'junit')}'" in jenkinsfile
    assert "post {\n    always {" in jenkinsfile


# --- the README's pre-commit snippet ---------------------------------------------------


def _git(cwd: Path, *args: str) -> str:
    env = {**os.environ, "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@t", "GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@t"}
    return subprocess.run(["git", *args], cwd=cwd, env=env, check=True, capture_output=True, text=True).stdout


def _mirror(tmp_path: Path) -> Path:
    """This working tree as a user's mirror of it: committed, tagged as docs/ci.md says."""
    mirror = tmp_path / "mirror"
    listed = _git(ROOT, "ls-files", "--cached", "--others", "--exclude-standard", "-z").split("\0")
    for name in filter(None, listed):
        source = ROOT / name
        if source.is_file():
            (mirror / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, mirror / name)
    _git(mirror, "init", "-q")
    _git(mirror, "add", "-A")
    _git(mirror, "commit", "-q", "-m", "mirror")
    tag = re.search(r"`(git tag v0\.1\.0)[^`]*`", DOC).group(1)  # type: ignore[union-attr]
    _git(mirror, *shlex.split(tag)[1:])
    return mirror


def _readme_snippet() -> str:
    readme = (ROOT / "README.md").read_text()
    return next(body for lang, body in FENCE.findall(readme) if lang == "yaml" and "repos:" in body and "id: wxcc-policy\n" in body)


@pytest.mark.slow
def test_readme_pre_commit_snippet_works_as_pasted(checkout: Path, tmp_path: Path) -> None:
    snippet = _readme_snippet()
    url = re.search(r"repo: (\S+)", snippet).group(1)  # type: ignore[union-attr]
    (checkout / ".pre-commit-config.yaml").write_text(snippet.replace(url, str(_mirror(tmp_path))))
    (checkout / "package.json").write_text('{"name": "not a snapshot"}\n')
    _git(checkout, "init", "-q")
    _git(checkout, "add", "-A")
    env = {**os.environ, "PRE_COMMIT_HOME": str(tmp_path / "cache"), "NO_COLOR": "1"}

    def run() -> subprocess.CompletedProcess[str]:
        command = [sys.executable, "-m", "pre_commit", "run", "--all-files"]
        return subprocess.run(command, cwd=checkout, env=env, capture_output=True, text=True, timeout=900, check=False)

    failing = run()
    assert failing.returncode == 1, failing.stdout + failing.stderr
    assert "tenants/broken.yaml:8:151: error WXCC-TEL-001" in failing.stdout
    assert "package.json" not in failing.stdout  # `files:` keeps other JSON out
    (checkout / "tenants" / "broken.yaml").unlink()
    passing = run()
    assert passing.returncode == 0, passing.stdout + passing.stderr
    assert "warning WXCC-ACC-002" in passing.stdout  # verbose: true shows warnings on a passing commit

"""The pre-commit hook, driven by the real pre-commit tool from this repository."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import EXAMPLES, ROOT


def _git(cwd: Path, *args: str) -> None:
    subprocess.run(["git", *args], cwd=cwd, check=True, capture_output=True)


@pytest.fixture
def tenant_repo(tmp_path: Path) -> Path:
    repo = tmp_path / "tenants"
    (repo / "tenants").mkdir(parents=True)
    shutil.copy(EXAMPLES / "acme-tenant.json", repo / "tenants" / "acme.json")
    shutil.copy(EXAMPLES / "violations-tenant.yaml", repo / "tenants" / "broken.yaml")
    _git(repo, "init", "-q")
    _git(repo, "add", ".")
    return repo


def _try_repo(repo: Path, tmp_path: Path, *files: str) -> subprocess.CompletedProcess[str]:
    pre_commit = [sys.executable, "-m", "pre_commit"]
    env = {
        **os.environ,
        "PRE_COMMIT_HOME": str(tmp_path / "cache"),
        "NO_COLOR": "1",
        "GIT_AUTHOR_NAME": "t",
        "GIT_AUTHOR_EMAIL": "t@t",
        "GIT_COMMITTER_NAME": "t",
        "GIT_COMMITTER_EMAIL": "t@t",
    }
    return subprocess.run(
        [*pre_commit, "try-repo", str(ROOT), "wxcc-policy", "--files", *files],
        cwd=repo,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )


def test_hook_blocks_a_broken_snapshot_and_passes_a_good_one(tenant_repo: Path, tmp_path: Path) -> None:
    good = _try_repo(tenant_repo, tmp_path, "tenants/acme.json")
    assert good.returncode == 0, good.stdout + good.stderr
    assert "Passed" in good.stdout
    bad = _try_repo(tenant_repo, tmp_path, "tenants/broken.yaml")
    assert bad.returncode == 1
    assert "tenants/broken.yaml:8:151: error WXCC-TEL-001" in bad.stdout


# -- the README's configuration, pasted as is, both hooks, real commits -------------------------

_SNIPPET_START = "# .pre-commit-config.yaml in your repository\n"


def _snippet(doc: Path) -> str:
    """The YAML block a user copies from `doc`."""
    text = doc.read_text(encoding="utf-8")
    start = text.index(_SNIPPET_START)
    return text[start : text.index("```", start)]


def _pasted(snippet: str, mirror: Path, rev: str) -> str:
    """The snippet with what the README tells a user to change: where they host the hooks, and its rev."""
    lines = snippet.splitlines(keepends=True)
    repo_lines = [i for i, line in enumerate(lines) if line.lstrip().startswith("- repo: ")]
    rev_lines = [i for i, line in enumerate(lines) if line.lstrip().startswith("rev: ")]
    assert len(repo_lines) == len(rev_lines) == 1, "one repos: entry"
    lines[repo_lines[0]] = lines[repo_lines[0]].split("- repo: ")[0] + f"- repo: {mirror}\n"
    lines[rev_lines[0]] = lines[rev_lines[0]].split("rev: ")[0] + f"rev: {rev}\n"
    return "".join(lines)


def _mirror(tmp_path: Path) -> tuple[Path, str]:
    """This working tree (committed or not) as a hook repository with one commit, as a user's mirror is."""
    mirror = tmp_path / "mirror"
    listed = subprocess.run(["git", "ls-files", "-z", "-co", "--exclude-standard"], cwd=ROOT, check=True, capture_output=True)
    for name in filter(None, listed.stdout.decode().split("\0")):
        if (ROOT / name).is_file():
            (mirror / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(ROOT / name, mirror / name)
    _git(mirror, "init", "-q")
    _git(mirror, "add", ".")
    _git(mirror, "-c", "user.name=t", "-c", "user.email=t@t", "commit", "-q", "-m", "mirror")
    rev = subprocess.run(["git", "rev-parse", "HEAD"], cwd=mirror, check=True, capture_output=True, text=True).stdout.strip()
    return mirror, rev


def _commit(repo: Path, env: dict[str, str], *paths: str) -> tuple[int, str]:
    """`git commit` through the installed hook: its exit code and what the hooks printed."""
    _git(repo, "add", *paths)
    commit = ["git", "commit", "-q", "-m", "change"]
    done = subprocess.run(commit, cwd=repo, env=env, capture_output=True, text=True, timeout=600, check=False)
    return done.returncode, done.stdout + done.stderr


def test_readme_snippet_with_both_hooks_on_real_commits(tmp_path: Path) -> None:
    snippet = _snippet(ROOT / "README.md")
    assert _snippet(ROOT / "docs" / "change.md") == snippet  # the two docs show one configuration
    files = [line.split("#")[0].strip() for line in snippet.splitlines() if "files:" in line]
    assert files == ["files: ^tenants/", "files: ^tenants/"]  # what issue 19 found blocking every commit
    mirror, rev = _mirror(tmp_path)
    repo = tmp_path / "ours"
    (repo / "tenants").mkdir(parents=True)
    (repo / ".pre-commit-config.yaml").write_text(_pasted(snippet, mirror, rev))
    shutil.copy(EXAMPLES / "acme-tenant.json", repo / "tenants" / "acme.json")
    (repo / "tenants" / "README.md").write_text("Our tenants.\n")
    _git(repo, "init", "-q")
    env = {**os.environ, "PRE_COMMIT_HOME": str(tmp_path / "cache"), "NO_COLOR": "1"}
    env |= {"GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@t", "GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@t"}
    subprocess.run([sys.executable, "-m", "pre_commit", "install"], cwd=repo, env=env, check=True, capture_output=True)

    code, out = _commit(repo, env, ".")  # a clean snapshot, no change file: both hooks pass
    assert code == 0, out
    assert "wxcc-policy plan....." in out and "Failed" not in out

    bad_change = '[{"op": "replace", "path": "/users/1/subscriptionId", "value": "Sub-999"}]\n'
    (repo / "tenants" / "acme.change.json").write_text(bad_change)
    code, out = _commit(repo, env, "tenants/acme.change.json")
    assert code == 1
    assert "tenants/acme.change.json:1:2: new error WXCC-ACC-001" in out, out

    (repo / "tenants" / "acme.change.json").write_text('[{"op": "replace", "path": "/tenant/name", "value": "Acme Renamed"}]\n')
    touched = repo / "tenants" / "acme.json"
    touched.write_text(touched.read_text() + "\n")  # the snapshot staged too
    code, out = _commit(repo, env, "tenants/")
    assert code == 0, out
    assert "wxcc-policy plan....." in out and "Failed" not in out

    shutil.copy(EXAMPLES / "violations-tenant.yaml", repo / "tenants" / "broken.yaml")
    code, out = _commit(repo, env, "tenants/broken.yaml")
    assert code == 1
    assert "tenants/broken.yaml:8:151: error WXCC-TEL-001" in out

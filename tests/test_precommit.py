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

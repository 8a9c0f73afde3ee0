"""`--shard auto` (issue 19): the job index and count from GitLab's parallel jobs, a
Kubernetes Indexed Job or an AWS Batch array job, mapped onto `--shard K/N`. N real
processes with those variables, merged, give the bytes of one unsharded run."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from test_report import EPOCH, make_portfolio

from wxcc_policy.errors import UsageError
from wxcc_policy.evaluation.parallel import SHARD_SOURCES, Shard, parse_shard

ENGINES = {
    "gitlab": lambda k, n: {"CI_NODE_INDEX": str(k), "CI_NODE_TOTAL": str(n)},
    "kubernetes": lambda k, n: {"JOB_COMPLETION_INDEX": str(k - 1), "WXCC_SHARD_TOTAL": str(n)},
    "aws-batch": lambda k, n: {"AWS_BATCH_JOB_ARRAY_INDEX": str(k - 1), "AWS_BATCH_JOB_ARRAY_SIZE": str(n)},
}
ENGINE_VARIABLES = {name for s in SHARD_SOURCES for name in (s.index_var, s.count_var)}


def _env(extra: dict[str, str]) -> dict[str, str]:
    """This environment without any job engine's variables, plus `extra`."""
    base = {k: v for k, v in os.environ.items() if k not in ENGINE_VARIABLES}
    return {**base, "SOURCE_DATE_EPOCH": EPOCH, **extra}


def _report(cwd: Path, env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    command = [sys.executable, "-m", "wxcc_policy", "report", "--quiet", *args]
    return subprocess.run(command, cwd=cwd, env=env, capture_output=True, text=True, check=False)


@pytest.mark.parametrize("engine", sorted(ENGINES))
def test_parts_made_by_each_engine_merge_to_the_bytes_of_one_run(engine: str, tmp_path: Path) -> None:
    make_portfolio(tmp_path / "tenants")
    n = 3
    processes = [
        subprocess.Popen(
            [
                sys.executable,
                "-m",
                "wxcc_policy",
                "report",
                "--quiet",
                "tenants",
                "--shard",
                "auto",
                "--format",
                "json",
                "-o",
                f"part-{k}.json",
            ],
            cwd=tmp_path,
            env=_env(ENGINES[engine](k, n)),
            stderr=subprocess.PIPE,
            text=True,
        )
        for k in range(1, n + 1)
    ]
    for process in processes:
        _, err = process.communicate(timeout=300)
        assert process.returncode == 1, err  # findings: the parts are written all the same
    parts = [json.loads((tmp_path / f"part-{k}.json").read_text()) for k in range(1, n + 1)]
    assert [p["portfolio"]["shards"] for p in parts] == [[f"{k}/{n}"] for k in range(1, n + 1)]
    assert all(p["results"] for p in parts)  # each process took a share
    for suffix in ("csv", "md", "json"):
        _report(tmp_path, _env({}), "tenants", "-o", f"whole.{suffix}")
        _report(tmp_path, _env({}), "--merge", *(f"part-{k}.json" for k in range(1, n + 1)), "-o", f"merged.{suffix}")
        whole, merged = (tmp_path / f"whole.{suffix}").read_text(), (tmp_path / f"merged.{suffix}").read_text()
        if suffix == "json":  # the one difference a merge makes: the provenance lists its shards
            merged = merged.replace('"shards": [\n      "1/3",\n      "2/3",\n      "3/3"\n    ]', '"shards": []')
        assert whole == merged, suffix


@pytest.mark.parametrize(
    ("environ", "shard"),
    [
        ({"CI_NODE_INDEX": "1", "CI_NODE_TOTAL": "4"}, Shard(1, 4)),
        ({"JOB_COMPLETION_INDEX": "0", "WXCC_SHARD_TOTAL": "4"}, Shard(1, 4)),
        ({"JOB_COMPLETION_INDEX": "3", "WXCC_SHARD_TOTAL": "4"}, Shard(4, 4)),
        ({"AWS_BATCH_JOB_ARRAY_INDEX": "9", "AWS_BATCH_JOB_ARRAY_SIZE": "10"}, Shard(10, 10)),
    ],
)
def test_auto_maps_each_engine_onto_k_of_n(environ: dict[str, str], shard: Shard) -> None:
    assert parse_shard("auto", environ) == shard


@pytest.mark.parametrize(
    ("environ", "says"),
    [
        ({}, "no job index in the environment: set CI_NODE_INDEX and CI_NODE_TOTAL"),
        ({"JOB_COMPLETION_INDEX": "2"}, "JOB_COMPLETION_INDEX is set (Kubernetes Indexed Job) but WXCC_SHARD_TOTAL is not"),
        ({"CI_NODE_INDEX": "0", "CI_NODE_TOTAL": "4"}, "are not a job index from 1 to CI_NODE_TOTAL"),
        ({"AWS_BATCH_JOB_ARRAY_INDEX": "4", "AWS_BATCH_JOB_ARRAY_SIZE": "4"}, "from 0 to AWS_BATCH_JOB_ARRAY_SIZE - 1"),
        ({"CI_NODE_INDEX": "one", "CI_NODE_TOTAL": "4"}, "CI_NODE_INDEX='one'"),
    ],
)
def test_auto_without_a_usable_index_is_a_clear_error(environ: dict[str, str], says: str) -> None:
    with pytest.raises(UsageError, match=r"^--shard auto: ") as caught:
        parse_shard("auto", environ)
    assert says in caught.value.message


def test_auto_with_nothing_set_is_a_usage_error_on_the_command_line(tmp_path: Path) -> None:
    done = _report(tmp_path, _env({}), str(tmp_path), "--shard", "auto", "--format", "json")
    assert done.returncode == 2 and done.stdout == ""
    assert done.stderr.count("\n") == 1 and "'--shard': auto: no job index in the environment" in done.stderr

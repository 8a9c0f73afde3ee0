"""Shared test helpers and fixtures (README, "Tests"; docs/decisions.md, "The inner loop").

The suite runs in parallel (pytest-xdist, `-n auto --dist loadgroup` in pyproject.toml), so
what several tests need is built once per worker session, not once per test or module:

- `runner`: a click CliRunner; `run_cli(runner, ...)` runs main() in-process.
- `generated_tenant(users, subscriptions, months, violations, seed)`: the path of a
  benchmarks/generate.py snapshot (indent 2), written once per session for those inputs.
- `generated_portfolio(tenants, seed)`: a directory of bench_portfolio's generated tenants,
  written once per session for those inputs.
  Both are shared by the xdist workers of a run (built in the run's common temporary
  directory, published by an atomic rename) and are inputs only: never write into them.
- `examples(n)`: the examples a property test draws (`@settings(max_examples=examples(n))`):
  all n in CI (`CI` set, or WXCC_FULL_EXAMPLES=1, which .ci/run exports), a fifth (at least
  10) in the default run; WXCC_FULL_EXAMPLES=0 forces the short run.
- `pytest.mark.xdist_group("name")`: tests that share an expensive module fixture (a
  browser) run on one worker, one after the other.

Tests run longest first, as measured on the previous run (the `slow` ones first when there
is no previous run), so that under xdist no long test finishes the run alone.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples" / "tenants"
BENCHMARKS = ROOT / "benchmarks"


@pytest.fixture
def runner() -> CliRunner:
    try:  # click < 8.2 mixes stderr into stdout unless told not to
        return CliRunner(mix_stderr=False)  # type: ignore[call-arg]
    except TypeError:
        return CliRunner()


def run_cli(runner: CliRunner, *args: str) -> tuple[int, str, str]:
    """Invoke the CLI in-process through main(), which maps errors to exit codes."""
    from wxcc_policy.cli import main

    with runner.isolation() as streams:  # (stdout, stderr[, mixed]) depending on click's version
        out, err = streams[0], streams[1]
        code = main(list(args))
        return code, out.getvalue().decode(), err.getvalue().decode()


def minimal_snapshot(**overrides: Any) -> dict[str, Any]:
    doc: dict[str, Any] = json.loads((EXAMPLES / "acme-tenant.json").read_text())
    doc.update(overrides)
    return doc


# -- property tests: every example in CI, a fifth in the default run ----------------------------


def _full_examples() -> bool:
    chosen = os.environ.get("WXCC_FULL_EXAMPLES")
    if chosen in ("0", "1"):
        return chosen == "1"
    return os.environ.get("CI", "").lower() not in ("", "0", "false", "no")


FULL_EXAMPLES = _full_examples()


def examples(full: int) -> int:
    """How many examples a property test draws: `full` in CI, a fifth (at least 10) by default."""
    return full if FULL_EXAMPLES else min(full, max(10, full // 5))


# -- generated inputs, built once per run ---------------------------------------------------------


def _benchmark_module(name: str) -> Any:
    if str(BENCHMARKS) not in sys.path:
        sys.path.insert(0, str(BENCHMARKS))
    return __import__(name)


def _shared_dir(factory: pytest.TempPathFactory) -> Path:
    """The run's temporary directory, common to all xdist workers (each has a subdirectory)."""
    base = factory.getbasetemp()
    return base.parent if os.environ.get("PYTEST_XDIST_WORKER") else base


def _built_once(root: Path, key: str, build: Callable[[Path], None]) -> Path:
    """`root/key`, built by `build` into a private directory and renamed into place: a worker
    sees it complete or not at all, and the first to finish wins."""
    final = root / "generated" / key
    if not final.is_dir():
        private = final.with_name(f"{key}.{os.getpid()}.tmp")
        shutil.rmtree(private, ignore_errors=True)
        private.mkdir(parents=True)
        build(private)
        try:
            private.rename(final)
        except OSError:  # another worker published it first: theirs is the same
            shutil.rmtree(private, ignore_errors=True)
    return final


@pytest.fixture(scope="session")
def generated_tenant(tmp_path_factory: pytest.TempPathFactory) -> Callable[..., Path]:
    root = _shared_dir(tmp_path_factory)

    def tenant(users: int, subscriptions: int, months: int, violations: float, seed: int) -> Path:
        def build(directory: Path) -> None:
            doc = _benchmark_module("generate").generate(users, subscriptions, months, violations, seed)
            (directory / "tenant.json").write_text(json.dumps(doc, indent=2))

        return _built_once(root, f"tenant-{users}-{subscriptions}-{months}-{violations}-{seed}", build) / "tenant.json"

    return tenant


@pytest.fixture(scope="session")
def generated_portfolio(tmp_path_factory: pytest.TempPathFactory) -> Callable[[int, int], Path]:
    root = _shared_dir(tmp_path_factory)

    def portfolio(tenants: int, seed: int) -> Path:
        def build(directory: Path) -> None:
            _benchmark_module("bench_portfolio").generate_portfolio(directory, tenants, seed=seed)

        return _built_once(root, f"portfolio-{tenants}-{seed}", build)

    return portfolio


# -- longest first ----------------------------------------------------------------------------------

DURATIONS = "wxcc/durations"
_XDIST_GROUP = re.compile(r"@[\w-]+$")  # xdist appends @group to a grouped test's id


def _unit(item: pytest.Item) -> str:
    group = item.get_closest_marker("xdist_group")
    return f"group:{group.args[0] if group.args else group.kwargs.get('name')}" if group else item.nodeid


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Longest first by the last run's times; a group (xdist_group) moves as one block."""
    cache = getattr(config, "cache", None)
    last: dict[str, float] = cache.get(DURATIONS, {}) if cache is not None else {}
    took: dict[str, float] = {}
    for item in items:
        took[_unit(item)] = took.get(_unit(item), 0.0) + last.get(_XDIST_GROUP.sub("", item.nodeid), 0.0)
    items.sort(key=lambda item: (-took[_unit(item)], item.get_closest_marker("slow") is None))


_measured: dict[str, float] = {}


def pytest_runtest_logreport(report: pytest.TestReport) -> None:
    nodeid = _XDIST_GROUP.sub("", report.nodeid)
    _measured[nodeid] = _measured.get(nodeid, 0.0) + report.duration  # setup, call and teardown


def pytest_sessionfinish(session: pytest.Session) -> None:
    """The controller (or a run without xdist) keeps this run's times for the next one."""
    cache = getattr(session.config, "cache", None)
    if cache is not None and not hasattr(session.config, "workerinput") and _measured:
        cache.set(DURATIONS, {**cache.get(DURATIONS, {}), **_measured})

"""Checking many files: worker processes (`--jobs N`), a deterministic share (`--shard K/N`).

The work per file is pipeline.py's; this module only decides which files run where and
puts the results back in input order, so `--jobs N` gives the same bytes as `--jobs 1`.
Workers are forked after the policy set is compiled: they inherit it (compiled closures
cannot be pickled) and send back only small results.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Callable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any, NamedTuple

from wxcc_policy.errors import UsageError
from wxcc_policy.evaluation.pipeline import CheckSettings, check_document, check_file, run_result
from wxcc_policy.evaluation.results import FileResult, FileResults, RunResult
from wxcc_policy.evaluation.spool import Spool
from wxcc_policy.inputs.discovery import discover
from wxcc_policy.inputs.documents import Document, read_document
from wxcc_policy.rules.policy_set import PolicySet

# What a caller may compute from a document while it is still in memory (the report's
# per-file overview); it must return something small and picklable.
Extra = Callable[[Document, FileResult, PolicySet, CheckSettings], Any]
Progress = Callable[[int, int], None]  # (files done, files in all)


class Shard(NamedTuple):
    k: int  # which share, from 1
    n: int  # how many shares

    def __str__(self) -> str:
        return f"{self.k}/{self.n}"

    def holds(self, shown: str) -> bool:
        """Deterministic by the path alone: the same file lands in the same shard on every
        runner, whatever else is in the portfolio and in whatever order it is listed."""
        digest = hashlib.sha256(Path(shown).as_posix().encode("utf-8")).digest()
        return int.from_bytes(digest[:8], "big") % self.n == self.k - 1


def parse_shard(text: str, environ: Mapping[str, str] | None = None) -> Shard:
    """`K/N`, or `auto`: the index and count the job engine running us sets (below)."""
    if text == "auto":
        return shard_from_environment(os.environ if environ is None else environ)
    index, sep, count = text.partition("/")
    if sep and index.isdigit() and count.isdigit() and 1 <= int(index) <= int(count):
        return Shard(int(index), int(count))
    raise UsageError(f"--shard {text!r} is not K/N with 1 <= K <= N, or auto (for example 2/4)")


class ShardSource(NamedTuple):
    """Where a job engine says which of its parallel jobs this is (docs/report.md)."""

    engine: str
    index_var: str  # the variable with this job's index
    count_var: str  # the variable with the number of jobs
    base: int  # the index of the first job: 1 or 0


# In this order: the first engine whose index variable is set decides. Kubernetes sets
# only the index of an Indexed Job; its manifest passes the count (the Job's completions).
SHARD_SOURCES = (
    ShardSource("GitLab CI parallel", "CI_NODE_INDEX", "CI_NODE_TOTAL", 1),
    ShardSource("Kubernetes Indexed Job", "JOB_COMPLETION_INDEX", "WXCC_SHARD_TOTAL", 0),
    ShardSource("AWS Batch array job", "AWS_BATCH_JOB_ARRAY_INDEX", "AWS_BATCH_JOB_ARRAY_SIZE", 0),
)


def shard_from_environment(environ: Mapping[str, str]) -> Shard:
    """`--shard auto`: the job engine's index and count, mapped onto K/N (K from 1)."""
    for source in SHARD_SOURCES:
        if environ.get(source.index_var, "") != "":
            return _shard_of(source, environ)
    known = "; ".join(f"{s.index_var} and {s.count_var} ({s.engine})" for s in SHARD_SOURCES)
    raise UsageError(f"--shard auto: no job index in the environment: set {known}, or give --shard K/N")


def _shard_of(source: ShardSource, environ: Mapping[str, str]) -> Shard:
    index, count = environ[source.index_var].strip(), environ.get(source.count_var, "").strip()
    if count == "":
        raise UsageError(
            f"--shard auto: {source.index_var} is set ({source.engine}) but {source.count_var} is not: set it to the number of jobs"
        )
    if not (index.isdigit() and count.isdigit() and source.base <= int(index) < int(count) + source.base):
        first, last = source.base, f"{source.count_var} - 1" if source.base == 0 else source.count_var
        raise UsageError(
            f"--shard auto: {source.index_var}={index!r} and {source.count_var}={count!r} ({source.engine}) are not a job index "
            f"from {first} to {last}"
        )
    return Shard(int(index) - source.base + 1, int(count))


def default_jobs() -> int:
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not on Linux
        return max(1, os.cpu_count() or 1)


class FileOutcome(NamedTuple):
    result: FileResult
    extra: Any = None


def run_files(
    settings: CheckSettings,
    policies: PolicySet,
    jobs: int = 1,
    shard: Shard | None = None,
    progress: Progress | None = None,
    extra: Extra | None = None,
) -> tuple[RunResult, Sequence[Any]]:
    """The run over the inputs `settings.paths` names (their shard), and the extras in the same order."""
    files = [(path, shown) for path, shown in discover(settings.paths) if shard is None or shard.holds(shown)]
    results = FileResults()
    extras: Spool[Any] | list[Any] = Spool() if extra is not None else []  # the report's overviews: on disk too
    for done, outcome in enumerate(_outcomes(files, settings, policies, jobs, extra), start=1):
        results.append(outcome.result)  # to disk: memory stays flat in the number of files
        extras.append(outcome.extra)
        if progress is not None:
            progress(done, len(files))
    return run_result(settings, policies, results), extras


def _outcomes(
    files: Sequence[tuple[Path, str]], settings: CheckSettings, policies: PolicySet, jobs: int, extra: Extra | None
) -> Iterator[FileOutcome]:
    workers = min(jobs, len(files) // 2)  # a worker for fewer than two files costs more than it saves
    if workers <= 1 or not _can_fork():  # in this process: no start-up cost for the few-file pre-commit case
        for path, shown in files:
            yield check_one(path, shown, settings, policies, extra)
        return
    yield from _in_workers(files, settings, policies, workers, extra)


def _can_fork() -> bool:
    """Workers must inherit the compiled policy set; where processes cannot fork (Windows),
    the run stays in one process."""
    import multiprocessing

    return "fork" in multiprocessing.get_all_start_methods()


def check_one(path: Path, shown: str, settings: CheckSettings, policies: PolicySet, extra: Extra | None) -> FileOutcome:
    if extra is None:
        return FileOutcome(check_file(path, shown, settings, policies))
    try:
        document = read_document(path, shown)
    except OSError as exc:
        raise UsageError(f"cannot read: {exc.strerror}", shown) from None
    result = check_document(document, settings, policies)
    computed = extra(document, result, policies, settings) if isinstance(document, Document) else None
    return FileOutcome(result, computed)  # the document is released on return


# State the forked workers inherit: set just before the pool starts, cleared after.
_WORK: tuple[Sequence[tuple[Path, str]], CheckSettings, PolicySet, Extra | None] | None = None


class _Failure(NamedTuple):
    """A UsageError crossing the process boundary (rebuilt with its message and place)."""

    message: str
    where: str


def _work(index: int) -> FileOutcome | _Failure:
    assert _WORK is not None
    files, settings, policies, extra = _WORK
    path, shown = files[index]
    try:
        return check_one(path, shown, settings, policies, extra)
    except UsageError as exc:
        return _Failure(exc.message, exc.where)


def _in_workers(
    files: Sequence[tuple[Path, str]], settings: CheckSettings, policies: PolicySet, workers: int, extra: Extra | None
) -> Iterator[FileOutcome]:
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor
    from concurrent.futures.process import BrokenProcessPool

    global _WORK
    _WORK = (files, settings, policies, extra)
    # Small chunks keep the workers evenly busy and the progress bar moving; map() yields
    # in input order, so the output is identical to a run in one process. A worker that
    # dies (out of memory, killed) breaks the pool: an error, never a hang.
    chunk = max(1, min(8, len(files) // (workers * 16)))
    pool = ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("fork"))
    try:
        for outcome in pool.map(_work, range(len(files)), chunksize=chunk):
            if isinstance(outcome, _Failure):
                raise UsageError(outcome.message, outcome.where)
            yield outcome
    except BrokenProcessPool:
        raise UsageError("a worker process ended abruptly (out of memory, or killed); try fewer --jobs") from None
    finally:
        pool.shutdown(wait=True, cancel_futures=True)
        _WORK = None

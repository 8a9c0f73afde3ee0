"""Runs over many files: the options they share (`--jobs`, `--shard`, `--quiet`) and a
progress bar on stderr (only on a terminal: logs and pipes get nothing)."""

from __future__ import annotations

import sys
import time
from typing import TYPE_CHECKING, Any, TextIO

import click

from wxcc_policy.commands.options import FC

if TYPE_CHECKING:
    from wxcc_policy.evaluation.parallel import Shard

BAR_WIDTH = 24
REDRAW_EVERY = 0.1  # seconds: fast runs do not spend their time drawing


def _shard(ctx: click.Context, param: click.Parameter, value: str | None) -> Shard | None:
    from wxcc_policy.errors import UsageError
    from wxcc_policy.evaluation.parallel import parse_shard

    try:
        return None if value is None else parse_shard(value)
    except UsageError as exc:  # a usage mistake, in click's words like the others
        raise click.BadParameter(exc.message.removeprefix("--shard ")) from None


def many_files_options(fn: FC) -> FC:
    """--jobs, --shard and --quiet, for the commands that check a portfolio."""
    fn = click.option("--quiet", "-q", is_flag=True, help="No progress bar.")(fn)
    fn = click.option(
        "--shard",
        callback=_shard,
        metavar="K/N|auto",
        help="Check only the K-th of N deterministic shares of the inputs (by path), for CI matrices; "
        "auto: K and N from GitLab's CI_NODE_INDEX/CI_NODE_TOTAL, a Kubernetes Indexed Job's JOB_COMPLETION_INDEX "
        "with WXCC_SHARD_TOTAL, or AWS Batch's AWS_BATCH_JOB_ARRAY_INDEX/AWS_BATCH_JOB_ARRAY_SIZE.",
    )(fn)
    return click.option(
        "--jobs",
        "-j",
        type=click.IntRange(min=1),
        default=None,
        help="Worker processes [default: the number of cores]. Output is identical for any value.",
    )(fn)


class ProgressBar:
    """`[#####.....]  412/1000 files  85.3/s  ETA 7 s`, redrawn in place on stderr."""

    def __init__(self, stream: TextIO, clock: Any = time.monotonic) -> None:
        self._stream = stream
        self._clock = clock
        self._start = clock()
        self._drawn_at = -1.0
        self._shown = False

    def __call__(self, done: int, total: int) -> None:
        now = self._clock()
        if done < total and now - self._drawn_at < REDRAW_EVERY:
            return
        self._drawn_at = now
        self._stream.write("\r" + render_bar(done, total, now - self._start))
        self._stream.flush()
        self._shown = True

    def close(self) -> None:
        if self._shown:  # leave the terminal clean for the diagnostics and the summary
            self._stream.write("\r\x1b[K")
            self._stream.flush()


def render_bar(done: int, total: int, elapsed: float) -> str:
    share = done / total if total else 1.0
    filled = int(share * BAR_WIDTH)
    rate = done / elapsed if elapsed > 0 else 0.0
    eta = f"ETA {(total - done) / rate:.0f} s" if rate > 0 and done < total else f"{elapsed:.1f} s"
    return f"[{'#' * filled}{'.' * (BAR_WIDTH - filled)}] {done}/{total} files  {rate:.1f}/s  {eta}"


def progress_for(quiet: bool, stream: TextIO | None = None) -> ProgressBar | None:
    """A bar when stderr is a terminal and --quiet is not given; otherwise nothing."""
    stream = stream or sys.stderr
    if quiet or not stream.isatty():
        return None
    return ProgressBar(stream)

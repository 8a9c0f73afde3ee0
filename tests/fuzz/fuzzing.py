"""What every fuzzed run must satisfy, and the hostile material the strategies draw from.

A run is the CLI's own main(), in-process (docs/hardening.md, "The fuzz suite").
Properties, for every input:
- the exit code is 0, 1 or 2;
- no `internal error`, no traceback, on stdout or stderr;
- a diagnostic about an input file names its line and column;
- in the JSON result, every parse, schema and evaluation error has a line and column;
- the inputs are byte-identical afterwards;
- a second run prints the same bytes and exits the same way;
- no run takes more than HANG_SECONDS (a hang fails the property instead of the soak);
- where an input's content is the problem (`input_problem=True`: snapshots, change files),
  the exit code is never 2: 2 is for what the tool could not run as asked;
- an output file (`outputs`) is never half-written: a refused run (a one-line error, exit
  2) leaves it as it was, and a written one is complete (JSON parses; text ends with a
  line break).
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import signal
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from click.testing import CliRunner
from conftest import examples
from hypothesis import HealthCheck, settings

#: The bounded suite runs this many examples per property in CI (a fifth in the default run:
#: conftest.examples); the soak (`pytest -m fuzz`) multiplies it by WXCC_FUZZ_SCALE (default 20).
SOAK_SCALE = int(os.environ.get("WXCC_FUZZ_SCALE", "20"))
#: WXCC_FUZZ_ONCE=1 runs each input once (a long soak on a busy machine): the bounded suite
#: still checks that a second run gives the same bytes.
ONCE = os.environ.get("WXCC_FUZZ_ONCE") == "1"


def bounded(count: int, soak: bool = False) -> Any:
    """Hypothesis settings: derandomized and bounded for CI, random and long for the soak."""
    return settings(
        max_examples=count * SOAK_SCALE if soak else examples(count),
        deadline=None,
        database=None,
        derandomize=not soak,
        suppress_health_check=list(HealthCheck),
        print_blob=soak,
    )


def _runner() -> CliRunner:
    try:  # click < 8.2 mixes stderr into stdout unless told not to
        return CliRunner(mix_stderr=False)  # type: ignore[call-arg]
    except TypeError:
        return CliRunner()


HANG_SECONDS = 60


class Hang(AssertionError):
    """A run that did not end within HANG_SECONDS."""


def _hang(signum: int, frame: Any) -> None:
    raise Hang(f"a run took more than {HANG_SECONDS} s")


def run_main(args: Sequence[str]) -> tuple[int, bytes, bytes]:
    from wxcc_policy.cli import main

    previous = signal.signal(signal.SIGALRM, _hang)
    signal.alarm(HANG_SECONDS)
    try:
        with _runner().isolation() as streams:
            code = main(list(args))
            return code, streams[0].getvalue(), streams[1].getvalue()
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


def digests(paths: Sequence[Path]) -> dict[Path, str]:
    out = {}
    for path in paths:
        for file in sorted(path.rglob("*")) if path.is_dir() else [path]:
            if file.is_file():
                out[file] = hashlib.sha256(file.read_bytes()).hexdigest()
    return out


def sane_run(
    args: Sequence[str], inputs: Sequence[Path], input_problem: bool = False, outputs: Sequence[Path] = ()
) -> tuple[int, str, str]:
    """Run twice; assert every property of the module docstring; return the first run."""
    before = digests(inputs)
    was = {path: path.read_bytes() if path.is_file() else None for path in outputs}
    first = run_main(args)
    _outputs_whole(b"wxcc-policy: error: " in first[2], was, f"args={list(args)}")
    second = first if ONCE else run_main(args)
    code, out_bytes, err_bytes = first
    out, err = out_bytes.decode("utf-8"), err_bytes.decode("utf-8")  # valid UTF-8, or this fails
    context = f"args={list(args)}\nstdout={out[:2000]}\nstderr={err[:2000]}"
    _log(args, code)
    assert code in (0, 1, 2), context
    assert not (input_problem and code == 2), "an input problem ended in exit 2\n" + context
    for text in (out, err):
        assert "internal error" not in text and "Traceback" not in text, context
    assert second == first, "a second run gave other bytes\n" + context
    assert digests(inputs) == before, "an input was modified\n" + context
    _located(err, inputs, context)
    if out.startswith("{") and "--format" in args and "json" in args:
        _json_located(json.loads(out), context)
    return code, out, err


def _log(args: Sequence[str], code: int) -> None:
    """One line per input tried, with its exit code, for counting them (docs/hardening.md)."""
    log = os.environ.get("WXCC_FUZZ_LOG")
    if log:
        with open(log, "a", encoding="utf-8") as fh:
            fh.write(f"{code} " + " ".join(a for a in args[:3]) + "\n")


def _outputs_whole(refused: bool, was: dict[Path, bytes | None], context: str) -> None:
    """A run refused (a one-line error: exit 2 before any report) leaves every output as it
    was; a run that reports (exit 0 or 1, or 2 for a policy that failed on a file) writes
    each one whole."""
    for path, old in was.items():
        now = path.read_bytes() if path.is_file() else None
        if refused or now is None:
            assert now == old, f"a refused run changed its output {path}\n{context}"
        elif path.suffix == ".json":
            json.loads(now)  # complete, or this fails
        else:
            assert now.endswith(b"\n"), f"a half-written output {path}\n{context}"
        if now is not None and not refused:
            path.unlink()  # the next input starts without it


def _located(err: str, inputs: Sequence[Path], context: str) -> None:
    """An error about the content of an input file names its line and column."""
    for line in err.splitlines():
        summary = re.match(r"\d+ files? checked: ", line) is not None  # on stderr when the report went to -o
        assert line.startswith(("wxcc-policy: error: ", "Error: ", "Usage: ")) or summary or not line.strip(), context
        for path in inputs:
            name = str(path)
            if path.is_file() and f"{name}:" in line and not re.search(re.escape(name) + r":\d+:\d+: ", line):
                raise AssertionError("a diagnostic about a file without its line and column\n" + context)


def _json_located(result: Any, context: str) -> None:
    for file in result.get("results", []):
        problems = [file.get("parseError"), file.get("evalError"), *file.get("schemaErrors", [])]
        for p in problems:
            if p is not None:
                assert p["line"] >= 1 and p["column"] >= 1 and "\n" not in p["message"], context


# Material for mutations: what the 4,500-snapshot fuzzing pass of issue 12 found useful.
HOSTILE_TEXT = [
    "{",
    "}",
    "[",
    "]",
    '"',
    ",",
    ":",
    "\\",
    "\\ud800",
    '"\\ud800"',
    '"\\udc00\\ud800"',
    "1e400",
    "-1e400",
    "9" * 4400,
    "NaN",
    "Infinity",
    "null",
    "true",
    "0.5",
    "-0",
    "[" * 300 + "]" * 300,
    "[" * 1200,
    "&a [1]",
    "*a",
    "*undefined",
    "<<: *a",
    "!!int x",
    "!!float y",
    "!!python/object/apply:os.system ['true']",
    "!!binary aGk=",
    "? [a]\n: b",
    "{1: a}",
    "{~: a}",
    "---\n",
    "\x00",
    "\x01",
    "\x1b[31m",
    "\ufeff",
    "\t",
    "\r",
    "\r\n",
    "\u2028",
    "😀",
    '"0000-01-01T00:00:00Z"',
    '"0001-01-01T00:00:00+01:00"',
    '"9999-12-31T00:00:00Z"',
    '"2026-06-30T23:59:60Z"',
    '"2026-02-30"',
    '"0999-01-01"',
    '"2026-13-01"',
]

HOSTILE_VALUES: list[Any] = [
    None,
    True,
    0,
    -1,
    10**30,
    1.5,
    "",
    "x" * 300,
    "😀",
    [],
    {},
    [[[[[]]]]],
    {"": {"": {}}},
    "0000-01-01",
    "0001-01-01",
    "0999-01-01",
    "9999-12-31",
    "2026-02-29",
    "0001-01-01T00:00:00+01:00",
    "9999-12-31T23:59:59-01:00",
    "2026-06-30T23:59:60Z",
    "2026-11-20T09:00:00.123456789Z",
    1.7e308,
    10**400,
    "0000-10",
    "9999-12",
    "9000-12-31",
    "active",
    "expired",
    "cancelled",
    "named",
    "concurrent",
    "vpop",
    "agent",
    "admin",
    "Sub-1",
    "u-1",
]


def paths_of(value: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    """Every path to a value inside a JSON document (the root excluded)."""
    out: list[tuple[Any, ...]] = []
    items = value.items() if isinstance(value, dict) else enumerate(value) if isinstance(value, list) else ()
    for key, child in items:
        out.append((*prefix, key))
        out.extend(paths_of(child, (*prefix, key)))
    return out


def replaced(doc: Any, path: tuple[Any, ...], value: Any) -> Any:
    """A copy of `doc` with the value at `path` replaced (or removed, when value is REMOVE)."""
    copy = json.loads(json.dumps(doc))
    parent = copy
    for key in path[:-1]:
        parent = parent[key]
    if value is REMOVE:
        del parent[path[-1]]
    else:
        parent[path[-1]] = value
    return copy


REMOVE = object()

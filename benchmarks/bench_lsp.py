"""Diagnostic latency of `wxcc-policy lsp`: from a `didChange` sent to the `publishDiagnostics`
that answers it, debounce included, against the stage functions alone (`check_document` of
the same text, in this process), measured in the same run.

Usage: python benchmarks/bench_lsp.py [--users 100000] [--repeat 5] [--workdir DIR]
Targets (issue 22): a small tenant (examples/tenants/acme-tenant.json) within 150 ms of a
change; a 100,000-user tenant (benchmarks/generate.py, 50 subscriptions) within 2 s.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from run import snapshot  # noqa: E402

from wxcc_policy.lsp.server import DEBOUNCE_SECONDS  # noqa: E402

SMALL = HERE.parent / "examples" / "tenants" / "acme-tenant.json"


class Client:
    """A minimal LSP client over the server's pipes (JSON-RPC with Content-Length headers)."""

    def __init__(self, root: Path) -> None:
        cmd = [sys.executable, "-m", "wxcc_policy", "lsp"]
        self.server = subprocess.Popen(cmd, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, cwd=root)
        self.ids = 0
        self.request("initialize", {"processId": None, "rootUri": root.as_uri(), "capabilities": {}})
        self.notify("initialized", {})

    def send(self, message: dict[str, Any]) -> None:
        body = json.dumps({"jsonrpc": "2.0", **message}).encode()
        assert self.server.stdin is not None
        self.server.stdin.write(b"Content-Length: %d\r\n\r\n" % len(body) + body)
        self.server.stdin.flush()

    def receive(self) -> dict[str, Any]:
        assert self.server.stdout is not None
        length = 0
        while (line := self.server.stdout.readline().strip()) != b"":
            if line.lower().startswith(b"content-length:"):
                length = int(line.split(b":")[1])
        message: dict[str, Any] = json.loads(self.server.stdout.read(length))
        return message

    def request(self, method: str, params: Any) -> Any:
        self.ids += 1
        self.send({"id": self.ids, "method": method, "params": params})
        while (message := self.receive()).get("id") != self.ids:
            pass
        return message.get("result")

    def notify(self, method: str, params: Any) -> None:
        self.send({"method": method, "params": params})

    def diagnostics(self, uri: str) -> list[Any]:
        while True:
            message = self.receive()
            if message.get("method") == "textDocument/publishDiagnostics" and message["params"]["uri"] == uri:
                found: list[Any] = message["params"]["diagnostics"]
                return found

    def close(self) -> None:
        self.request("shutdown", None)
        self.notify("exit", None)
        self.server.wait(timeout=30)


def cpu_seconds(pid: int) -> float:
    """The process's CPU time so far (user + system), from /proc: robust to a busy machine."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def latencies(path: Path, repeat: int) -> tuple[list[float], list[float], int]:
    """Open the file, then type into it `repeat` times (one character inserted, then removed,
    as an editor sends incremental changes), timing each change to its diagnostics: wall
    clock, and the server's CPU time."""
    client = Client(path.parent)
    uri = path.as_uri()
    text = path.read_text(encoding="utf-8")
    line = next(i for i, t in enumerate(text.splitlines()) if '"email": "' in t)
    column = text.splitlines()[line].index('"email": "') + len('"email": "')
    client.notify("textDocument/didOpen", {"textDocument": {"uri": uri, "languageId": "json", "version": 1, "text": text}})
    found = client.diagnostics(uri)
    walls, cpus = [], []
    for version in range(2, repeat + 2):
        at = {"line": line, "character": column}
        typed = {"range": {"start": at, "end": at}, "text": "X"}
        erased = {"range": {"start": at, "end": {"line": line, "character": column + 1}}, "text": ""}
        change = {"textDocument": {"uri": uri, "version": version}, "contentChanges": [typed if version % 2 == 0 else erased]}
        cpu, start = cpu_seconds(client.server.pid), time.perf_counter()
        client.notify("textDocument/didChange", change)
        found = client.diagnostics(uri)
        walls.append(time.perf_counter() - start)
        cpus.append(cpu_seconds(client.server.pid) - cpu)
    client.close()
    return walls, cpus, len(found)


def check_runs(path: Path, repeat: int) -> tuple[list[float], list[float]]:
    """The baseline: `wxcc-policy check --format json` of the same file (a process each time,
    start-up and policy loading included): wall clock and CPU time."""
    walls, cpus = [], []
    cmd = [sys.executable, "-m", "wxcc_policy", "check", "--format", "json", str(path)]
    for _ in range(repeat):
        before, start = resource.getrusage(resource.RUSAGE_CHILDREN), time.perf_counter()
        subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False)
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        walls.append(time.perf_counter() - start)
        cpus.append(after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime)
    return walls, cpus


def _ms(runs: list[float]) -> str:
    return f"{statistics.median(runs) * 1000:.0f} ms (min {min(runs) * 1000:.0f}, max {max(runs) * 1000:.0f})"


def report(label: str, path: Path, repeat: int, target: float) -> None:
    walls, cpus, count = latencies(path, repeat)
    base_walls, base_cpus = check_runs(path, max(3, repeat // 2))
    median = statistics.median(walls)
    cpu_ratio = statistics.median(cpus) / statistics.median(base_cpus)
    print(
        f"{label}: change → diagnostics {_ms(walls)} wall, server CPU {_ms(cpus)}; {count} diagnostics.\n"
        f"  baseline `check --format json`: {_ms(base_walls)} wall, CPU {_ms(base_cpus)}; "
        f"ratios (median) wall {median / statistics.median(base_walls):.2f}, CPU {cpu_ratio:.2f}; "
        f"target ≤ {target * 1000:.0f} ms {'OK' if median <= target else 'MISSED'} (wall clock, debounce of "
        f"{DEBOUNCE_SECONDS * 1000:.0f} ms included)"
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, default=100000)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--workdir", type=Path)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        workdir = args.workdir or Path(tmp)
        workdir.mkdir(parents=True, exist_ok=True)
        small = workdir / "small" / SMALL.name
        small.parent.mkdir(exist_ok=True)
        small.write_text(SMALL.read_text(encoding="utf-8"), encoding="utf-8")
        report("small tenant (acme-tenant.json)", small, args.repeat * 4, 0.150)
        big = snapshot(workdir, args.users)
        report(f"{args.users:,}-user tenant", big, args.repeat, 2.0)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples" / "tenants"


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

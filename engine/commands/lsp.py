"""`wxcc-policy lsp`: the language server over stdio (docs/editors.md)."""

from __future__ import annotations

import sys
from pathlib import Path

import click


@click.command()
def lsp() -> None:
    """Run the language server on standard input and output (for editors).

    Diagnostics as `check` reports them, with the workspace's .wxcc-policy.yaml, waivers
    and baseline; hover; a "waive this finding" code action. See docs/editors.md."""
    from wxcc_policy.evaluation.configuration import load_config, policy_parameters
    from wxcc_policy.lsp.server import serve
    from wxcc_policy.lsp.workspace import Loaders

    serve(Loaders(load_config=lambda path: load_config(Path(path), explicit=False), parameters=policy_parameters))
    sys.stdout = None  # the client closed the stream at exit: nothing is left to flush

"""The published schemas work in a real editor's language server: Red Hat's
`yaml-language-server` (npm), driven over stdio by pytest-lsp, follows an example's
modeline to the schema in the clone and reports a planted error where it is.

The server is found as WXCC_YAML_LANGUAGE_SERVER (a path to its `bin/yaml-language-server`)
or on PATH; .ci/run installs it with npm. Without it the test is skipped, and says why.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
import pytest_lsp
from conftest import ROOT
from lsprotocol import types
from pytest_lsp import ClientServerConfig, LanguageClient, client_capabilities

SERVER = os.environ.get("WXCC_YAML_LANGUAGE_SERVER") or shutil.which("yaml-language-server")
pytestmark = pytest.mark.skipif(
    SERVER is None or shutil.which("node") is None,
    reason="yaml-language-server is not installed (npm install yaml-language-server; .ci/run does)",
)
SETTINGS = {"yaml": {"validate": True, "hover": True, "completion": True, "schemaStore": {"enable": False}}}


@pytest_lsp.fixture(config=ClientServerConfig(server_command=[str(SERVER), "--stdio"]))
async def client(lsp_client: LanguageClient):  # type: ignore[no-untyped-def]
    lsp_client.set_configuration(SETTINGS)
    lsp_client.feature(types.CLIENT_REGISTER_CAPABILITY)(lambda params: None)  # the server registers its handlers
    lsp_client.feature(types.TELEMETRY_EVENT)(lambda params: None)
    await lsp_client.initialize_session(
        types.InitializeParams(capabilities=client_capabilities("visual-studio-code"), root_uri=ROOT.as_uri())
    )
    lsp_client.workspace_did_change_configuration(types.DidChangeConfigurationParams(settings=SETTINGS))
    yield
    await lsp_client.shutdown_session()


def _planted(tmp_path: Path) -> tuple[Path, str]:
    """violations-tenant.yaml, with a status no subscription may have, in a copy of the
    clone's layout (examples/tenants/ and schemas/), so that its relative modeline resolves."""
    text = (ROOT / "examples" / "tenants" / "violations-tenant.yaml").read_text(encoding="utf-8")
    assert "status: active, createdAt: 2024-01-10" in text
    shutil.copytree(ROOT / "schemas", tmp_path / "schemas")
    (tmp_path / "examples" / "tenants").mkdir(parents=True)
    path = tmp_path / "examples" / "tenants" / "planted.yaml"
    return path, text.replace("status: active, createdAt: 2024-01-10", "status: actve, createdAt: 2024-01-10", 1)


async def _diagnostics(client: LanguageClient, uri: str, text: str) -> list[types.Diagnostic]:
    client.text_document_did_open(types.DidOpenTextDocumentParams(types.TextDocumentItem(uri, "yaml", 1, text)))
    for _ in range(20):  # the first publication may come before the schema is loaded
        await client.wait_for_notification(types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS)
        if client.diagnostics.get(uri):
            break
    return client.diagnostics.get(uri, [])


@pytest.mark.asyncio
async def test_a_planted_error_is_reported_where_it_is_through_the_modeline(client: LanguageClient, tmp_path: Path) -> None:
    path, text = _planted(tmp_path)
    path.write_text(text, encoding="utf-8")
    found = await _diagnostics(client, path.as_uri(), text)
    line = next(i for i, t in enumerate(text.splitlines()) if "status: actve" in t)
    column = text.splitlines()[line].index("actve")
    at_status = [d for d in found if d.range.start.line == line and d.range.start.character == column]
    assert at_status, [(d.range, d.message) for d in found]
    assert "active" in at_status[0].message and "pending" in at_status[0].message  # the enum, from our schema
    assert len(found) == 1, [(d.range, d.message) for d in found]  # the example itself is valid


@pytest.mark.asyncio
async def test_hover_shows_the_schema_description(client: LanguageClient) -> None:
    path = ROOT / "examples" / "tenants" / "violations-tenant.yaml"
    text = path.read_text(encoding="utf-8")
    client.text_document_did_open(types.DidOpenTextDocumentParams(types.TextDocumentItem(path.as_uri(), "yaml", 1, text)))
    line = next(i for i, t in enumerate(text.splitlines()) if t.startswith("capturedAt:"))
    hover = await client.text_document_hover_async(types.HoverParams(types.TextDocumentIdentifier(path.as_uri()), types.Position(line, 2)))
    assert hover is not None
    shown = hover.contents.value if isinstance(hover.contents, types.MarkupContent) else str(hover.contents)
    assert "default evaluation date" in shown


@pytest.mark.asyncio
async def test_policy_expressions_complete_built_in_function_names(client: LanguageClient, tmp_path: Path) -> None:
    shutil.copytree(ROOT / "schemas", tmp_path / "schemas")
    (tmp_path / "policies").mkdir()
    path = tmp_path / "policies" / "X.yaml"
    text = "# yaml-language-server: $schema=../schemas/policy.schema.json\nid: ACME-X-001\nassert: \n"
    path.write_text(text, encoding="utf-8")
    client.text_document_did_open(types.DidOpenTextDocumentParams(types.TextDocumentItem(path.as_uri(), "yaml", 1, text)))
    at = types.Position(2, len("assert: "))
    result = await client.text_document_completion_async(types.CompletionParams(types.TextDocumentIdentifier(path.as_uri()), at))
    items = result.items if isinstance(result, types.CompletionList) else (result or [])
    from wxcc_policy.lang.builtins import BUILTINS

    assert set(BUILTINS) <= {item.label for item in items}

"""`wxcc-policy lsp`, the real server over stdio, driven by pytest-lsp's client: diagnostics
located as `check --format json` locates them, a workspace with its configuration, waivers
and baseline, a policy error fixed while the server runs, hover and code actions."""

from __future__ import annotations

import asyncio
import json
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import pytest_lsp
import yaml
from conftest import ROOT
from lsprotocol import types
from pytest_lsp import ClientServerConfig, LanguageClient

EXAMPLES = ROOT / "examples"
CONFIG = """\
policyDirs: [company-policies]
skip: [WXCC-SUB-003]
maxWaiverDays: 60
waivers:
  - key: WXCC-TEL-001:org-x:subscriptions/Sub-2
    reason: Sub-2 moves in the December window
    owner: telephony-team@example.com
    granted: 2026-11-01
    expires: 2026-12-31
"""


@pytest.fixture
def workspace(tmp_path: Path) -> Path:
    """A repository as a user has it: tenants, their own policies, a configuration."""
    root = tmp_path / "repo"
    shutil.copytree(EXAMPLES / "tenants", root / "tenants")
    shutil.copytree(EXAMPLES / "custom-policies", root / "company-policies")
    (root / ".wxcc-policy.yaml").write_text(CONFIG, encoding="utf-8")
    return root


@pytest_lsp.fixture(config=ClientServerConfig(server_command=[sys.executable, "-m", "wxcc_policy", "lsp"]))
async def client(lsp_client: LanguageClient, workspace: Path):  # type: ignore[no-untyped-def]
    params = types.InitializeParams(capabilities=types.ClientCapabilities(), root_uri=workspace.as_uri())
    await lsp_client.initialize_session(params)
    yield
    await lsp_client.shutdown_session()


def check_json(workspace: Path, path: Path) -> list[dict[str, Any]]:
    """The findings `check` reports for the file, run in the workspace as a user runs it."""
    done = subprocess.run(
        [sys.executable, "-m", "wxcc_policy", "check", "--format", "json", str(path.relative_to(workspace))],
        cwd=workspace,
        capture_output=True,
        text=True,
        check=False,
    )
    result: dict[str, Any] = json.loads(done.stdout)["results"][0]
    return result["findings"] + [{**e, "policy": "SCHEMA"} for e in result.get("schemaErrors", [])]


async def diagnostics_after(client: LanguageClient, uri: str, action: Any) -> list[types.Diagnostic]:
    """Run `action` (a notification), then wait for the server's diagnostics for `uri`."""
    client.diagnostics.pop(uri, None)
    action()
    for _ in range(50):
        if uri in client.diagnostics:
            return list(client.diagnostics[uri])
        await asyncio.wait_for(client.wait_for_notification(types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS), 30)
    raise AssertionError(f"no diagnostics for {uri}")


async def settled(client: LanguageClient, uri: str, wanted: Any) -> list[types.Diagnostic]:
    """The diagnostics for `uri` once they satisfy `wanted` (other documents judged in
    between may publish on it too), within 10 seconds."""
    for _ in range(100):
        found = list(client.diagnostics.get(uri, ()))
        if wanted(found):
            return found
        await asyncio.sleep(0.1)
    raise AssertionError(f"diagnostics for {uri}: {client.diagnostics.get(uri)}")


def open_file(client: LanguageClient, path: Path, text: str | None = None, version: int = 1) -> Any:
    text = path.read_text(encoding="utf-8") if text is None else text
    language = "json" if path.suffix == ".json" else "yaml"
    item = types.TextDocumentItem(uri=path.as_uri(), language_id=language, version=version, text=text)
    return lambda: client.text_document_did_open(types.DidOpenTextDocumentParams(text_document=item))


def change_file(client: LanguageClient, path: Path, text: str, version: int) -> Any:
    whole = types.TextDocumentContentChangeWholeDocument(text=text)
    doc = types.VersionedTextDocumentIdentifier(uri=path.as_uri(), version=version)
    return lambda: client.text_document_did_change(types.DidChangeTextDocumentParams(text_document=doc, content_changes=[whole]))


def _starts(diagnostics: list[types.Diagnostic]) -> list[tuple[str, int, int, str]]:
    return sorted((str(d.code), d.range.start.line + 1, d.range.start.character + 1, d.message.split(" (waived")[0]) for d in diagnostics)


@pytest.mark.asyncio
@pytest.mark.parametrize("name", ["violations-tenant.yaml", "acme-tenant.json"])
async def test_diagnostics_are_located_finding_by_finding_as_check_locates_them(client: LanguageClient, workspace: Path, name: str) -> None:
    path = workspace / "tenants" / name
    found = await diagnostics_after(client, path.as_uri(), open_file(client, path))
    expected = check_json(workspace, path)
    assert expected, "the example has findings"
    assert _starts(found) == sorted((f["policy"], f["line"], f["column"], f["message"]) for f in expected)
    text = path.read_text(encoding="utf-8").splitlines()
    for d in found:  # each range ends where its value ends: on the value's last character
        last = text[d.range.end.line][: d.range.end.character]
        assert (d.range.end.line, d.range.end.character) > (d.range.start.line, d.range.start.character)
        assert last[-1:] in ('"', "}", "]") or last[-1:].isalnum(), (d.range, last)


@pytest.mark.asyncio
async def test_the_configuration_waivers_and_skips_apply_as_in_check(client: LanguageClient, workspace: Path) -> None:
    path = workspace / "tenants" / "violations-tenant.yaml"
    found = await diagnostics_after(client, path.as_uri(), open_file(client, path))
    codes = {str(d.code): d for d in found}
    assert "WXCC-SUB-003" not in codes  # skipped by the configuration
    waived = codes["WXCC-TEL-001"]
    assert waived.severity == types.DiagnosticSeverity.Hint and "waived until 2026-12-31" in waived.message
    assert codes["WXCC-ACC-001"].severity == types.DiagnosticSeverity.Error


@pytest.mark.asyncio
async def test_a_change_is_judged_after_the_debounce_and_a_close_clears(client: LanguageClient, workspace: Path) -> None:
    path = workspace / "tenants" / "acme-tenant.json"
    text = path.read_text(encoding="utf-8")
    before = _tree(workspace)
    await diagnostics_after(client, path.as_uri(), open_file(client, path, text))
    broken = text.replace('"licenseModel": "named"', '"licenseModel": "nmaed"', 1)
    found = await diagnostics_after(client, path.as_uri(), change_file(client, path, broken, 2))
    schema = [d for d in found if d.code == "SCHEMA"]
    line = next(i for i, t in enumerate(broken.splitlines()) if '"nmaed"' in t)
    start = broken.splitlines()[line].index('"nmaed"')
    assert [(d.range.start.line, d.range.start.character, d.range.end.character) for d in schema] == [(line, start, start + len('"nmaed"'))]
    assert "is not one of" in schema[0].message
    found = await diagnostics_after(client, path.as_uri(), change_file(client, path, "{ not json", 3))
    assert [d.code for d in found] == ["PARSE"]  # and the server lives on
    found = await diagnostics_after(client, path.as_uri(), change_file(client, path, text, 4))
    assert "SCHEMA" not in {d.code for d in found} and "PARSE" not in {d.code for d in found}
    doc = types.TextDocumentIdentifier(uri=path.as_uri())
    found = await diagnostics_after(client, path.as_uri(), lambda: client.text_document_did_save(types.DidSaveTextDocumentParams(doc)))
    assert found
    found = await diagnostics_after(client, path.as_uri(), lambda: client.text_document_did_close(types.DidCloseTextDocumentParams(doc)))
    assert found == []
    assert _tree(workspace) == before  # the server wrote nothing (the buffers were never saved to disk)


def _tree(root: Path) -> dict[str, tuple[bytes, int]]:
    return {str(p.relative_to(root)): (p.read_bytes(), p.stat().st_mtime_ns) for p in sorted(root.rglob("*")) if p.is_file()}


@pytest.mark.asyncio
async def test_a_policy_error_fixed_while_the_server_runs(client: LanguageClient, workspace: Path) -> None:
    snapshot = workspace / "tenants" / "acme-tenant.json"
    policy = workspace / "company-policies" / "ACME-DEPT-001.yaml"
    good = policy.read_text(encoding="utf-8")
    before = await diagnostics_after(client, snapshot.as_uri(), open_file(client, snapshot))
    await diagnostics_after(client, policy.as_uri(), open_file(client, policy, good))
    broken = good.replace("subscription.department != null", "subscription.departmnet != null")
    found = await diagnostics_after(client, policy.as_uri(), change_file(client, policy, broken, 2))
    assert [d.code for d in found] == ["LOAD"]
    assert "did you mean 'department'" in found[0].message
    line = next(i for i, t in enumerate(broken.splitlines()) if "departmnet" in t)
    assert found[0].range.start.line == line
    change_file(client, policy, good, 3)()
    assert await settled(client, policy.as_uri(), lambda found: found == []) == []
    # the open snapshot is judged again with the fixed policy
    await settled(client, snapshot.as_uri(), lambda found: _starts(found) == _starts(before))


@pytest.mark.asyncio
async def test_a_broken_configuration_is_reported_on_it_and_a_hostile_file_does_not_kill_the_server(
    client: LanguageClient, workspace: Path
) -> None:
    config = workspace / ".wxcc-policy.yaml"
    found = await diagnostics_after(client, config.as_uri(), open_file(client, config, CONFIG.replace("skip:", "skipp:")))
    assert [d.code for d in found] == ["LOAD"] and "unknown property 'skipp'" in found[0].message and found[0].range.start.line == 1
    bomb = workspace / "tenants" / "bomb.yaml"
    text = (ROOT / "tests" / "data" / "bad" / "alias-bomb.yaml").read_text(encoding="utf-8")
    found = await diagnostics_after(client, bomb.as_uri(), open_file(client, bomb, "snapshotVersion: '1'\n" + text))
    assert [d.code for d in found] == ["PARSE"]
    found = await diagnostics_after(client, config.as_uri(), change_file(client, config, CONFIG, 2))
    assert found == []


@pytest.mark.asyncio
async def test_hover_on_a_finding_and_on_a_builtin(client: LanguageClient, workspace: Path) -> None:
    path = workspace / "tenants" / "violations-tenant.yaml"
    found = await diagnostics_after(client, path.as_uri(), open_file(client, path))
    finding = next(d for d in found if d.code == "WXCC-ACC-001")
    hover = await client.text_document_hover_async(types.HoverParams(types.TextDocumentIdentifier(path.as_uri()), finding.range.start))
    assert hover is not None and isinstance(hover.contents, types.MarkupContent)
    shown = hover.contents.value
    assert "Users are mapped to an active subscription" in shown and "Failed condition:" in shown
    assert "`user` = " in shown and "wxcc-policy explain WXCC-ACC-001" in shown
    policy = workspace / "company-policies" / "ACME-DEPT-001.yaml"
    text = policy.read_text(encoding="utf-8").replace(
        "subscription.department != null", "count(subscriptions) > 0 and subscription.department != null"
    )
    await diagnostics_after(client, policy.as_uri(), open_file(client, policy, text))
    line = next(i for i, t in enumerate(text.splitlines()) if "count(" in t)
    at = types.Position(line, text.splitlines()[line].index("count(") + 2)
    hover = await client.text_document_hover_async(types.HoverParams(types.TextDocumentIdentifier(policy.as_uri()), at))
    assert hover is not None and "count(xs[, x -> cond])" in hover.contents.value  # type: ignore[union-attr]
    line = next(i for i, t in enumerate(text.splitlines()) if "in: currentSubscriptions" in t)
    at = types.Position(line, text.splitlines()[line].index("currentSubscriptions") + 3)
    hover = await client.text_document_hover_async(types.HoverParams(types.TextDocumentIdentifier(policy.as_uri()), at))
    assert hover is not None and "library value" in hover.contents.value  # type: ignore[union-attr]
    assert "snapshot-library.yaml" in hover.contents.value  # type: ignore[union-attr]


@pytest.mark.asyncio
async def test_waive_this_finding_inserts_a_valid_waiver_that_check_then_honours(client: LanguageClient, workspace: Path) -> None:
    path = workspace / "tenants" / "violations-tenant.yaml"
    found = await diagnostics_after(client, path.as_uri(), open_file(client, path))
    finding = next(d for d in found if d.code == "WXCC-ACC-001")
    context = types.CodeActionContext(diagnostics=[finding])
    params = types.CodeActionParams(types.TextDocumentIdentifier(path.as_uri()), finding.range, context)
    actions = await client.text_document_code_action_async(params)
    waive = [a for a in actions or [] if isinstance(a, types.CodeAction) and a.title.startswith("Waive")]
    assert len(waive) == 1, actions  # beside it, the finding's declared fix (tested below)
    action = waive[0]
    assert action.edit is not None and action.edit.document_changes
    edit = action.edit.document_changes[-1]
    assert isinstance(edit, types.TextDocumentEdit) and edit.text_document.uri == (workspace / ".wxcc-policy.yaml").as_uri()
    config = workspace / ".wxcc-policy.yaml"
    config.write_text(_applied(config.read_text(encoding="utf-8"), edit.edits), encoding="utf-8")  # as the client applies it
    waivers = yaml.safe_load(config.read_text(encoding="utf-8"))["waivers"]
    assert len(waivers) == 2 and waivers[1]["key"] == finding.data["key"]  # type: ignore[index]
    assert (waivers[1]["expires"] - waivers[1]["granted"]).days <= 60  # within maxWaiverDays
    waived = {f["key"]: f.get("waived", False) for f in check_json(workspace, path)}
    assert waived[finding.data["key"]] is True  # type: ignore[index]


# What the server puts in the finding's diagnostic: the operations of WXCC-ACC-001's `fix:`
# for the violations example (lsp/diagnose.py), the remap of u-17 to the primary Sub-2.
REMAP = [{"op": "replace", "path": "/users/0/subscriptionId", "value": "Sub-2"}]


async def _actions_for(client: LanguageClient, path: Path, text: str) -> list[types.CodeAction]:
    found = await diagnostics_after(client, path.as_uri(), open_file(client, path, text))
    finding = next(d for d in found if d.code == "WXCC-ACC-001")
    assert isinstance(finding.data, dict) and finding.data["fix"] == REMAP
    context = types.CodeActionContext(diagnostics=[finding])
    params = types.CodeActionParams(types.TextDocumentIdentifier(path.as_uri()), finding.range, context)
    actions = await client.text_document_code_action_async(params)
    return [a for a in actions or [] if isinstance(a, types.CodeAction) and a.title.startswith("Fix ")]


@pytest.mark.asyncio
async def test_fix_this_finding_is_one_workspace_edit_of_the_values_span(client: LanguageClient, workspace: Path) -> None:
    path = workspace / "tenants" / "violations-tenant.yaml"
    text = path.read_text(encoding="utf-8")
    (action,) = await _actions_for(client, path, text)
    assert action.title == 'Fix WXCC-ACC-001:org-x:users/u-17: replace /users/0/subscriptionId with "Sub-2"' and action.is_preferred
    assert action.edit is not None and action.edit.document_changes
    (change,) = action.edit.document_changes
    assert isinstance(change, types.TextDocumentEdit) and change.text_document.uri == path.as_uri()
    (edit,) = change.edits
    line = text.splitlines()[edit.range.start.line]
    assert line[edit.range.start.character : edit.range.end.character] == "Sub-1" and edit.new_text == "Sub-2"
    fixed = _applied(text, change.edits)
    assert fixed == text.replace("subscriptionId: Sub-1}", "subscriptionId: Sub-2}", 1)  # nothing else moves
    path.write_text(fixed, encoding="utf-8")
    assert "WXCC-ACC-001" not in {f["policy"] for f in check_json(workspace, path)}


@pytest.mark.asyncio
async def test_a_fix_of_a_value_shared_through_an_alias_is_offered_disabled(client: LanguageClient, workspace: Path) -> None:
    path = workspace / "tenants" / "violations-tenant.yaml"
    text = path.read_text(encoding="utf-8")
    text = text.replace("subscriptionId: Sub-1}", "subscriptionId: &old Sub-1}").replace("subscriptionId: Sub-1,", "subscriptionId: *old,")
    (action,) = await _actions_for(client, path, text)
    assert action.edit is None and action.disabled is not None
    assert "shared through a YAML alias" in action.disabled.reason and "fix SNAPSHOT -o CHANGE.json" in action.disabled.reason


def _applied(text: str, edits: list[types.TextEdit]) -> str:
    lines = text.splitlines(keepends=True)
    starts = [0]
    for line in lines:
        starts.append(starts[-1] + len(line))
    for e in sorted(edits, key=lambda e: (e.range.start.line, e.range.start.character), reverse=True):
        start = starts[e.range.start.line] + e.range.start.character if e.range.start.line < len(starts) else len(text)
        end = starts[e.range.end.line] + e.range.end.character if e.range.end.line < len(starts) else len(text)
        text = text[:start] + e.new_text + text[end:]
    return text


@pytest.mark.asyncio
async def test_a_planned_change_is_judged_against_its_paired_snapshot(client: LanguageClient, workspace: Path) -> None:
    change = workspace / "tenants" / "violations-tenant.change.yaml"
    text = change.read_text(encoding="utf-8") + "- op: add\n  path: /users/-\n  value: {id: u-99, roles: [agent], subscriptionId: Sub-9}\n"
    found = await diagnostics_after(client, change.as_uri(), open_file(client, change, text))
    new = [d for d in found if d.code == "WXCC-ACC-001"]
    assert len(new) == 1 and "u-99" in new[0].message and "Sub-9" in new[0].message
    line = text.splitlines().index("- op: add")
    assert (new[0].range.start.line, new[0].range.start.character) == (line, 2)  # at the operation, as plan locates it


def test_a_plain_check_does_not_load_the_language_server() -> None:
    code = (
        "import sys; from wxcc_policy.cli import main; "
        f"main(['check', '--quiet', {str(EXAMPLES / 'tenants' / 'acme-tenant.json')!r}]); "
        "print(sorted(m for m in sys.modules if m.split('.')[0] in ('pygls', 'lsprotocol', 'cattrs') or m.startswith('wxcc_policy.lsp')))"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip().splitlines()[-1] == "[]"


@pytest.mark.asyncio
async def test_policy_test_and_waiver_files_get_their_load_errors(client: LanguageClient, workspace: Path) -> None:
    tests = workspace / "company-policies" / "tests" / "custom.test.yaml"
    text = tests.read_text(encoding="utf-8")
    found = await diagnostics_after(client, tests.as_uri(), open_file(client, tests, text))
    assert found == []
    found = await diagnostics_after(client, tests.as_uri(), change_file(client, tests, text.replace("ACME-DEPT-001", "ACME-DEPT-01", 1), 2))
    assert [d.code for d in found] == ["LOAD"] and "did you mean 'ACME-DEPT-001'" in found[0].message
    waivers = workspace / "risk.wxcc.waivers.yaml"
    body = "waivers:\n  - policy: WXCC-ACC-01\n    reason: r\n    owner: o\n    granted: 2026-11-01\n    expires: 2026-11-30\n"
    found = await diagnostics_after(client, waivers.as_uri(), open_file(client, waivers, body))
    assert [d.code for d in found] == ["LOAD"] and "did you mean 'WXCC-ACC-001'" in found[0].message
    assert found[0].range.start.line == 1


def test_positions_count_utf16_code_units_as_lsp_does_and_lines_as_check_does() -> None:
    from wxcc_policy.lsp.diagnose import Lines

    text = 'a\r\n{"n": "Zoë 😀", "x": 1}\rlast'
    lines = Lines(text)
    x = text.index('"x"')
    assert lines.offset(2, text.splitlines()[1].index('"x"') + 1) == x  # check's 1-based code-point column
    assert lines.position(x) == (1, len('{"n": "Zoë 😀", '.encode("utf-16-le")) // 2)  # the emoji is 2 units
    assert lines.position(text.index("last")) == (2, 0)

"""The protocol glue: a pygls server over stdio that publishes `diagnose` results (debounced
as the user types, at once on open and save), answers hover and code actions, and never
dies of what it is given: a failure becomes a diagnostic on the document (docs/editors.md).
"""

from __future__ import annotations

import asyncio
import gc
import logging
from pathlib import Path
from typing import Any

from lsprotocol import types
from pygls.lsp.server import LanguageServer
from pygls.uris import from_fs_path, to_fs_path

from wxcc_policy import __version__
from wxcc_policy.lsp.diagnose import SOURCE, Problem, Problems, diagnose
from wxcc_policy.lsp.workspace import Loaders, Options, Workspace

DEBOUNCE_SECONDS = 0.05  # typing pauses longer than this; a small tenant is judged in ~20 ms
_SEVERITY = {
    "error": types.DiagnosticSeverity.Error,
    "warning": types.DiagnosticSeverity.Warning,
    "info": types.DiagnosticSeverity.Information,
    "hint": types.DiagnosticSeverity.Hint,
}
log = logging.getLogger(__name__)


class PolicyServer(LanguageServer):
    def __init__(self, loaders: Loaders) -> None:
        super().__init__("wxcc-policy", __version__)
        self.loaders = loaders
        self.state: Workspace | None = None
        self.pending: dict[str, asyncio.Task[None]] = {}
        self.elsewhere: set[Path] = set()  # files that got a load error while another was judged

    def space(self) -> Workspace:
        if self.state is None:
            root = Path(self.workspace.root_path or ".").resolve()
            self.state = Workspace(root, self.loaders, Options.of(root, self.init_options))
        return self.state

    init_options: Any = None


def path_of(uri: str) -> Path:
    return Path(to_fs_path(uri) or uri).resolve()


def diagnostic(problem: Problem) -> types.Diagnostic:
    return types.Diagnostic(
        range=types.Range(types.Position(*problem.start), types.Position(*problem.end)),
        message=problem.message,
        severity=_SEVERITY[problem.severity],
        code=problem.code,
        source=SOURCE,
        data=problem.data,
    )


def publish(server: PolicyServer, uri: str) -> None:
    """Judge the open document at `uri` and publish what was found, here and elsewhere."""
    path = path_of(uri)
    collecting = gc.isenabled()
    gc.disable()  # as check: a large snapshot is millions of acyclic objects, freed by reference counting
    try:
        problems = diagnose(server.space(), path)
    except Exception as exc:  # a defect on one input must not end the session
        log.exception("diagnosing %s", path)
        problems = {path: [Problem((0, 0), (0, 1), "error", "INTERNAL", f"internal error: {type(exc).__name__}: {exc}"[:500])]}
    finally:
        if collecting:
            gc.enable()
    _send(server, path, problems)


def _send(server: PolicyServer, judged: Path, problems: Problems) -> None:
    others = {p for p in problems if p != judged}
    for stale in server.elsewhere - others - {judged}:
        _publish_one(server, stale, [])
    server.elsewhere = others
    for path, found in problems.items():
        _publish_one(server, path, found)


def _publish_one(server: PolicyServer, path: Path, found: list[Problem]) -> None:
    server.space().last[path] = found
    uri = from_fs_path(str(path)) or path.as_uri()
    server.text_document_publish_diagnostics(types.PublishDiagnosticsParams(uri=uri, diagnostics=[diagnostic(p) for p in found]))


def schedule(server: PolicyServer, uri: str, delay: float) -> None:
    """Judge `uri` after `delay`, replacing a judgement still waiting for it."""
    waiting = server.pending.pop(uri, None)
    if waiting is not None:
        waiting.cancel()
    server.pending[uri] = asyncio.get_running_loop().create_task(_after(server, uri, delay))


async def _after(server: PolicyServer, uri: str, delay: float) -> None:
    await asyncio.sleep(delay)
    server.pending.pop(uri, None)
    publish(server, uri)


def remember(server: PolicyServer, uri: str, text: str | None) -> None:
    """Keep the buffer (None: closed); a changed policy, configuration or waiver file makes
    every open document be judged again."""
    state = server.space()
    path = path_of(uri)
    if text is None:
        state.buffers.pop(path, None)
        state.kinds.pop(path, None)
    else:
        state.buffers[path] = text
    if state.is_dependency(path):
        state.invalidate()


def rejudge_others(server: PolicyServer, uri: str, delay: float) -> None:
    state = server.space()
    if not state.is_dependency(path_of(uri)):
        return
    for doc_uri in list(server.workspace.text_documents):
        if doc_uri != uri:
            schedule(server, doc_uri, delay)


def build(loaders: Loaders) -> PolicyServer:
    """The server with its document-sync handlers (open, change, save, close)."""
    server = PolicyServer(loaders)

    @server.feature(types.INITIALIZE)
    def _initialize(ls: PolicyServer, params: types.InitializeParams) -> None:
        ls.init_options = params.initialization_options

    @server.feature(types.TEXT_DOCUMENT_DID_OPEN)
    async def _open(ls: PolicyServer, params: types.DidOpenTextDocumentParams) -> None:
        remember(ls, params.text_document.uri, params.text_document.text)
        schedule(ls, params.text_document.uri, 0)

    @server.feature(types.TEXT_DOCUMENT_DID_CHANGE)
    async def _change(ls: PolicyServer, params: types.DidChangeTextDocumentParams) -> None:
        uri = params.text_document.uri
        remember(ls, uri, ls.workspace.get_text_document(uri).source)
        schedule(ls, uri, DEBOUNCE_SECONDS)
        rejudge_others(ls, uri, DEBOUNCE_SECONDS)

    @server.feature(types.TEXT_DOCUMENT_DID_SAVE)
    async def _save(ls: PolicyServer, params: types.DidSaveTextDocumentParams) -> None:
        uri = params.text_document.uri
        remember(ls, uri, ls.workspace.get_text_document(uri).source)
        if ls.space().is_dependency(path_of(uri)) or path_of(uri) == ls.space().config_path:
            ls.space().invalidate()
        schedule(ls, uri, 0)
        rejudge_others(ls, uri, 0)

    @server.feature(types.TEXT_DOCUMENT_DID_CLOSE)
    async def _close(ls: PolicyServer, params: types.DidCloseTextDocumentParams) -> None:
        uri = params.text_document.uri
        remember(ls, uri, None)
        waiting = ls.pending.pop(uri, None)
        if waiting is not None:
            waiting.cancel()
        _publish_one(ls, path_of(uri), [])
        rejudge_others(ls, uri, 0)

    _answer_queries(server)
    return server


def _answer_queries(server: PolicyServer) -> None:
    """Hover and code actions: requests answered from what the last judgement found."""
    from wxcc_policy.lsp.actions import code_actions
    from wxcc_policy.lsp.hover import hover

    @server.feature(types.TEXT_DOCUMENT_HOVER)
    def _hover(ls: PolicyServer, params: types.HoverParams) -> types.Hover | None:
        return _guarded(hover, ls.space(), path_of(params.text_document.uri), params.position)

    @server.feature(types.TEXT_DOCUMENT_CODE_ACTION)
    def _actions(ls: PolicyServer, params: types.CodeActionParams) -> list[types.CodeAction] | None:
        return _guarded(code_actions, ls.space(), path_of(params.text_document.uri), params)


def _guarded(handler: Any, *args: Any) -> Any:
    try:
        return handler(*args)
    except Exception:  # a hover or an action that fails shows nothing; the session goes on
        log.exception("handling %s", getattr(handler, "__name__", handler))
        return None


def serve(loaders: Loaders) -> None:
    build(loaders).start_io()

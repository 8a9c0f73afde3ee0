"""The stage folders' import rules of docs/architecture.md, checked over every module's imports:
which stage may import which, no import cycle, thin commands, errors from one module."""

from __future__ import annotations

import ast
import sys
from collections.abc import Iterator
from pathlib import Path

from conftest import ROOT

ENGINE = ROOT / "engine"
PACKAGE = "wxcc_policy"

ALLOWED: dict[str, set[str]] = {
    "errors": set(),
    "lang": {"errors"},
    "inputs": {"errors"},
    "validation": {"inputs", "errors"},
    "rules": {"lang", "inputs", "validation", "errors"},
    "evaluation": {"rules", "lang", "inputs", "validation", "errors"},
    "reporters": {"evaluation", "rules", "lang", "errors"},  # files are read by the stages below them
    "outputs": {"inputs", "errors"},  # writing files: never over one the run read (inputs/files_read.py)
    # adapters (export webex) name snapshot fields and talk to other systems: no stage imports them
    "adapters": {"inputs", "validation", "errors"},
    "lsp": {"reporters", "evaluation", "rules", "lang", "inputs", "validation", "errors"},
    "commands": {"lsp", "adapters", "outputs", "reporters", "evaluation", "rules", "lang", "inputs", "validation", "errors"},
    "cli": {"commands", "outputs", "errors"},
    "__main__": {"cli"},
}
UNIVERSAL = {"", "policies", "schemas"}  # the package root (__version__) and its data packages


def _stage(module_path: Path) -> str:
    relative = module_path.relative_to(ENGINE)
    return relative.parts[0] if len(relative.parts) > 1 else relative.stem


def _imported_stages(module_path: Path) -> list[tuple[int, str]]:
    tree = ast.parse(module_path.read_text(encoding="utf-8"))
    found = []
    for node in ast.walk(tree):
        names: list[str] = []
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            # `from wxcc_policy import cli` imports a stage; `... import __version__` the package root.
            stages = [a.name for a in node.names if node.module == PACKAGE and a.name in ALLOWED]
            names = [node.module] + [f"{PACKAGE}.{s}" for s in stages]
        elif isinstance(node, ast.Import):
            names = [a.name for a in node.names]
        for name in names:
            if name == PACKAGE or name.startswith(PACKAGE + "."):
                parts = name.split(".")
                found.append((node.lineno, parts[1] if len(parts) > 1 else ""))
    return found


def _modules() -> list[Path]:
    return sorted(p for p in ENGINE.rglob("*.py") if p.name != "__init__.py" or p.parent != ENGINE)


def test_every_module_belongs_to_a_known_stage() -> None:
    unknown = {_stage(p) for p in _modules()} - set(ALLOWED) - {"__init__"}
    assert not unknown, f"modules outside the stages of docs/architecture.md: {sorted(unknown)}"


def test_imports_point_down_the_pipeline() -> None:
    broken = []
    for path in _modules():
        stage = _stage(path)
        allowed = ALLOWED.get(stage, set()) | {stage} | UNIVERSAL
        for line, imported in _imported_stages(path):
            if imported not in allowed:
                broken.append(f"{path.relative_to(ROOT)}:{line}: {stage} imports {imported}")
    assert not broken, "imports against docs/architecture.md:\n" + "\n".join(broken)


def test_the_rules_are_the_documented_ones() -> None:
    doc = (ROOT / "docs" / "architecture.md").read_text(encoding="utf-8").split("## Who may import whom")[1]
    for stage, allowed in ALLOWED.items():
        if stage in ("__main__",):
            continue
        row = next((line for line in doc.splitlines() if line.startswith(f"| `{stage}")), None)
        assert row is not None, f"docs/architecture.md has no row for {stage}"
        listed = {part.strip("` ") for part in row.split("|")[2].split(",")} - {"nothing of the project", "all of the above"}
        if "all of the above" in row:
            continue
        assert listed == allowed, f"{stage}: doc says {sorted(listed)}, test says {sorted(allowed)}"


def test_an_upward_import_is_seen(tmp_path: Path) -> None:
    module = tmp_path / "sample.py"
    module.write_text("def f():\n    from wxcc_policy.commands.check import check\n    from wxcc_policy import __version__, cli\n")
    assert _imported_stages(module) == [(2, "commands"), (3, ""), (3, "cli")]


# -- no import cycle -----------------------------------------------------------------------


def _module_name(path: Path, root: Path) -> str:
    parts = [PACKAGE, *path.relative_to(root).with_suffix("").parts]
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _imported_modules(path: Path, known: set[str]) -> set[str]:
    """The project modules `path` imports: at the top, in functions, under TYPE_CHECKING
    alike (`from a.b import c` is the module a.b.c when there is one, else a.b)."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.update(f"{node.module}.{a.name}" if f"{node.module}.{a.name}" in known else node.module for a in node.names)
    return found & known


def _import_graph(root: Path = ENGINE) -> dict[str, set[str]]:
    paths = {_module_name(p, root): p for p in root.rglob("*.py")}
    known = set(paths)
    return {name: _imported_modules(path, known) - {name} for name, path in paths.items()}


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected components of more than one module (Tarjan's algorithm)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        for other in sorted(graph[node]):
            if other not in index:
                visit(other)
                low[node] = min(low[node], low[other])
            elif other in stack:
                low[node] = min(low[node], index[other])
        if low[node] == index[node]:
            component = stack[stack.index(node) :]
            del stack[stack.index(node) :]
            if len(component) > 1:
                found.append(sorted(component))

    limit = sys.getrecursionlimit()
    sys.setrecursionlimit(max(limit, 10 * len(graph)))
    try:
        for node in sorted(graph):
            if node not in index:
                visit(node)
    finally:
        sys.setrecursionlimit(limit)
    return found


def test_no_import_cycle_among_project_modules() -> None:
    cycles = _cycles(_import_graph())
    assert not cycles, "import cycles (type-only and in-function imports count):\n" + "\n".join(" <-> ".join(c) for c in cycles)


def test_a_cycle_is_seen(tmp_path: Path) -> None:
    root = tmp_path / "engine"
    (root / "evaluation").mkdir(parents=True)
    (root / "evaluation" / "a.py").write_text("from wxcc_policy.evaluation import b\n")
    (root / "evaluation" / "b.py").write_text(
        "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from wxcc_policy.evaluation.a import x\n"
    )
    (root / "evaluation" / "c.py").write_text("import wxcc_policy.evaluation.a\n")
    global ENGINE
    saved, ENGINE = ENGINE, root
    try:
        graph = _import_graph(root)
    finally:
        ENGINE = saved
    assert _cycles(graph) == [["wxcc_policy.evaluation.a", "wxcc_policy.evaluation.b"]]


# -- thin commands ---------------------------------------------------------------------------

INTERNAL_TO_COMMANDS = {"lang", "inputs"}  # commands reach these through the stages that use them


def _command_modules() -> Iterator[Path]:
    return (p for p in sorted((ENGINE / "commands").glob("*.py")) if p.name != "__init__.py")


def test_commands_import_no_lang_or_inputs() -> None:
    offending = [
        f"{path.relative_to(ROOT)}:{line}: imports {stage}"
        for path in _command_modules()
        for line, stage in _imported_stages(path)
        if stage in INTERNAL_TO_COMMANDS
    ]
    assert not offending, "commands only parse options, call a stage and render:\n" + "\n".join(offending)


def test_no_engine_work_left_in_commands() -> None:
    """Every module in commands/ is a subcommand registered in cli.py or one of the option
    and configuration helpers; the trace, policy tests and merges live in their stages."""
    cli = (ENGINE / "cli.py").read_text(encoding="utf-8")
    helpers = {"options.py", "run_options.py", "accepted_risk.py", "extra_reports.py", "progress.py", "session.py"}
    unregistered = [p.name for p in _command_modules() if p.name not in helpers and f"wxcc_policy.commands.{p.stem} import" not in cli]
    assert not unregistered, f"commands/ modules that are neither a command nor a helper: {unregistered}"


# -- errors from one place -------------------------------------------------------------------


def test_errors_are_imported_from_errors_only() -> None:
    """The error classes are defined in errors.py; importing one through a module that
    happens to import it (lang.values, lang.lexer, rules.model) couples the two."""
    tree = ast.parse((ENGINE / "errors.py").read_text(encoding="utf-8"))
    names = {node.name for node in tree.body if isinstance(node, ast.ClassDef)}
    elsewhere = []
    for path in [*_modules(), *sorted((ROOT / "tests").rglob("*.py")), *sorted((ROOT / "benchmarks").rglob("*.py"))]:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and (node.module or "").startswith(PACKAGE) and node.module != f"{PACKAGE}.errors":
                wrong = sorted(a.name for a in node.names if a.name in names)
                if wrong:
                    elsewhere.append(f"{path.relative_to(ROOT)}:{node.lineno}: {', '.join(wrong)} from {node.module}")
    assert not elsewhere, "import errors from wxcc_policy.errors:\n" + "\n".join(elsewhere)


def test_no_stage_imports_the_adapters() -> None:
    importers = {stage for stage, allowed in ALLOWED.items() if "adapters" in allowed}
    assert importers == {"commands"}


# -- a plain check loads only what it uses (issue 21: start-up) ------------------------------

UNUSED_BY_A_PLAIN_CHECK = (
    "httpx",  # the Webex export
    "pygls",  # the language server
    "lsprotocol",
    "jinja2",  # the HTML portfolio report
    "msgspec",  # the strict-JSON fast path, only past 4 MB of JSON read
    "hypothesis",
    "wxcc_policy.adapters",
    "wxcc_policy.lsp",
    "wxcc_policy.reporters.portfolio",
    "wxcc_policy.reporters.sarif",  # reporters the run does not render
    "wxcc_policy.reporters.junit",
    "wxcc_policy.commands.export",  # commands that do not run
    "wxcc_policy.commands.lsp",
    "wxcc_policy.commands.report",
    "wxcc_policy.commands.forecast",
    "wxcc_policy.commands.explain",
)


def test_a_plain_check_imports_none_of_the_other_commands_libraries() -> None:
    import subprocess

    tenant = ROOT / "examples" / "tenants" / "acme-tenant.json"
    code = (
        "import sys; from wxcc_policy.cli import main; code = main(['check', sys.argv[1]]); "
        "print(code, sorted({m for m in sys.modules for u in sys.argv[2:] if m == u or m.startswith(u + '.')}))"
    )
    done = subprocess.run([sys.executable, "-c", code, str(tenant), *UNUSED_BY_A_PLAIN_CHECK], capture_output=True, text=True, check=True)
    assert done.stdout.splitlines()[-1] == "0 []", done.stdout + done.stderr

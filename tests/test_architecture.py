"""The stage folders' import rules of docs/architecture.md, checked over every module's imports."""

from __future__ import annotations

import ast
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
    "reporters": {"evaluation", "rules", "lang", "inputs", "validation", "errors"},
    "lsp": {"reporters", "evaluation", "rules", "lang", "inputs", "validation", "errors"},
    "commands": {"lsp", "reporters", "evaluation", "rules", "lang", "inputs", "validation", "errors"},
    "cli": {"commands", "errors"},
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

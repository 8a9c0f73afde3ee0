"""The loaded policy set: built-in and user files, compiled once."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from importlib import resources
from pathlib import Path
from typing import Any, NamedTuple

from wxcc_policy.errors import UsageError
from wxcc_policy.inputs.sources import TEST_FILE_SUFFIXES
from wxcc_policy.inputs.yaml_files import YamlFile, read_yaml_file
from wxcc_policy.lang.budget import Budget, Limits, document_elements
from wxcc_policy.lang.names import AS_OF, BUDGET_KEY, DOCUMENT
from wxcc_policy.lang.runtime import CompiledFunction, Runtime
from wxcc_policy.rules.library_compiler import LibraryCompiler
from wxcc_policy.rules.model import DocumentSpec, Env, Fn, LibraryEntry, Policy
from wxcc_policy.rules.policy_compiler import compile_policies
from wxcc_policy.validation.schemas import check_file

DEFAULT_LIMITS = Limits()


class PolicySet(NamedTuple):
    policies: tuple[Policy, ...]
    document: DocumentSpec
    values: dict[str, Fn]
    functions: dict[str, CompiledFunction]
    entries: dict[str, LibraryEntry]
    digest: str

    def runtime(self, data: Any, as_of: str | None, limits: Limits = DEFAULT_LIMITS, kind: type[Runtime] = Runtime) -> Runtime:
        """Evaluation state for one document; as_of None means the document's own default.
        The document's evaluation budget starts now."""
        base: Env = {name: data.get(name) for name in self.document.root_names}
        base[DOCUMENT] = data
        base[AS_OF] = None
        base[BUDGET_KEY] = Budget(limits, document_elements(data))
        runtime = kind(base, self.values, self.functions)
        base[AS_OF] = as_of if as_of is not None else self.document.as_of(base)
        return runtime

    def by_id(self) -> dict[str, Policy]:
        return {p.info.id: p for p in self.policies}


def builtin_files() -> list[YamlFile]:
    root = resources.files("wxcc_policy.policies")
    names = sorted(e.name for e in root.iterdir() if e.name.endswith((".yaml", ".yml")))
    files = []
    for name in names:
        entry = root.joinpath(name)
        with resources.as_file(entry) as path:
            files.append(read_yaml_file(Path(path), f"<builtin>/{name}"))
    return files


def directory_files(directory: Path) -> list[YamlFile]:
    if not directory.is_dir():
        raise UsageError("policy directory not found", str(directory))
    paths = sorted(p for p in directory.iterdir() if is_policy_file(p))
    return [read_yaml_file(p) for p in paths]


def is_policy_file(path: Path) -> bool:
    name = path.name
    return path.is_file() and name.endswith((".yaml", ".yml")) and not name.endswith(TEST_FILE_SUFFIXES)


def load_policy_set(policy_dirs: Iterable[Path] = ()) -> PolicySet:
    files = builtin_files()
    for directory in policy_dirs:
        files.extend(directory_files(directory))
    return build_policy_set(files)


def build_policy_set(files: list[YamlFile]) -> PolicySet:
    libraries = [f for f in files if f.data.get("kind") == "library"]
    policy_files = [f for f in files if f.data.get("kind") != "library"]
    for f in libraries:
        check_file(f, "library")
    for f in policy_files:
        check_file(f, "policy")
    library = LibraryCompiler(libraries)
    policies = compile_policies(policy_files, library)
    digest = hashlib.sha256()
    for f in files:
        digest.update(hashlib.sha256(f.raw).digest())
    return PolicySet(
        tuple(policies),
        library.document,
        library.compiled_values(),
        library.compiled_functions(),
        library.entries,
        "sha256:" + digest.hexdigest(),
    )

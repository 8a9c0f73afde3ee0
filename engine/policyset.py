"""Loading policy and library files and compiling them, once, into callables."""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable
from importlib import resources
from pathlib import Path
from typing import Any, NamedTuple

import jsonschema_rs
from wxcc_policy.errors import UsageError
from wxcc_policy.lang.compiler import BulkFn, CompileProblem, Compiler, Namespace
from wxcc_policy.lang.runtime import CompiledFunction, Runtime
from wxcc_policy.lang.shapes import Shape, Shapes, object_of
from wxcc_policy.lang.syntax import Node, SyntaxProblem, parse_expression
from wxcc_policy.lang.template import make_renderer, parse_template
from wxcc_policy.lang.values import EvalError
from wxcc_policy.sources import TEST_FILE_SUFFIXES, escape_segment
from wxcc_policy.validation import load_schema, violations_of
from wxcc_policy.yamlfiles import YamlFile, read_yaml_file

Env = dict[str, Any]
Fn = Callable[[Env], Any]
Render = Callable[[Env], str]


class EvalFailure(Exception):
    """An expression failed at run time; `where` is its file:line:column."""

    def __init__(self, message: str, where: str) -> None:
        super().__init__(f"{where}: {message}")
        self.message = message
        self.where = where


class Parameter(NamedTuple):
    name: str
    default: Any
    schema: dict[str, Any]
    description: str


class PolicyInfo(NamedTuple):
    id: str
    title: str
    severity: str
    description: str
    rationale: str
    remediation: str
    parameters: tuple[Parameter, ...]
    source: str


class Loop(NamedTuple):
    name: str
    items: Fn
    where: Fn | None  # not wrapped by _located: the loop attributes its errors to where_at
    where_at: str


class Report(NamedTuple):
    at: Fn
    field: Render | None
    key: Render
    message: Render
    lets: tuple[tuple[str, Fn], ...]


class Policy(NamedTuple):
    info: PolicyInfo
    defines: tuple[tuple[str, Fn], ...]
    loops: tuple[Loop, ...]
    lets: tuple[tuple[str, Fn], ...]
    check: Fn  # not wrapped by _located: the loop attributes its errors to check_at
    check_at: str
    bulk_check: BulkFn | None  # the check over a whole collection, when its form allows
    report: Report
    file: YamlFile


class DocumentSpec(NamedTuple):
    schema: str
    root_names: tuple[str, ...]
    as_of: Fn
    subject: Fn


class LibraryEntry(NamedTuple):
    name: str
    kind: str  # "value" or "function"
    params: tuple[str, ...]
    description: str
    source: str
    expression: str


class PolicySet(NamedTuple):
    policies: tuple[Policy, ...]
    document: DocumentSpec
    values: dict[str, Fn]
    functions: dict[str, CompiledFunction]
    entries: dict[str, LibraryEntry]
    digest: str

    def runtime(self, data: Any, as_of: str | None) -> Runtime:
        """Evaluation state for one document; as_of None means the document's own default."""
        base: Env = {name: data.get(name) for name in self.document.root_names}
        base["document"] = data
        base["asOf"] = None
        runtime = Runtime(base, self.values, self.functions)
        base["asOf"] = as_of if as_of is not None else self.document.as_of(base)
        return runtime

    def by_id(self) -> dict[str, Policy]:
        return {p.info.id: p for p in self.policies}


# ---- files -------------------------------------------------------------------------------


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
        f.check_schema("library")
    for f in policy_files:
        f.check_schema("policy")
    library = _LibraryCompiler(libraries)
    policies = _compile_policies(policy_files, library)
    digest = hashlib.sha256()
    for f in files:
        digest.update(hashlib.sha256(f.raw).digest())
    return PolicySet(
        tuple(policies), library.document, library.compiled_values(), library.compiled_functions(),
        library.entries, "sha256:" + digest.hexdigest(),
    )


# ---- expressions --------------------------------------------------------------------------


def _parse(file: YamlFile, parts: tuple[str | int, ...]) -> Node:
    text = _at(file.data, parts)
    try:
        return parse_expression(text)
    except SyntaxProblem as exc:
        raise UsageError(f"syntax error: {exc.message}", file.where(parts, exc.offset)) from None


def _at(data: Any, parts: tuple[str | int, ...]) -> Any:
    for p in parts:
        data = data[p]
    return data


def _located(fn: Fn, where: str) -> Fn:
    def located(env: Env) -> Any:
        try:
            return fn(env)
        except EvalError as exc:
            raise EvalFailure(str(exc), where) from None
        except RecursionError:
            raise EvalFailure("recursion too deep", where) from None

    return located


def compile_expression(
    compiler: Compiler, file: YamlFile, parts: tuple[str | int, ...], scope: dict[str, Shape], located: bool = True
) -> tuple[Fn, Shape]:
    """Compile one expression. Unless `located` is False (a hot loop that attributes
    errors itself), errors raised while evaluating it name its file:line:column."""
    node = _parse(file, parts)
    try:
        fn, shape = compiler.compile(node, scope)
    except CompileProblem as exc:
        raise UsageError(exc.message, file.where(parts, exc.offset)) from None
    return (_located(fn, file.where(parts)) if located else fn), shape


def compile_template(
    compiler: Compiler, file: YamlFile, parts: tuple[str | int, ...], scope: dict[str, Shape],
    escape: Callable[[str], str] | None = None,
) -> Render:
    text = _at(file.data, parts)
    try:
        pieces: list[str | Fn] = []
        for piece in parse_template(text):
            if isinstance(piece, str):
                pieces.append(piece)
                continue
            _offset, node = piece
            try:
                pieces.append(compiler.compile(node, scope)[0])
            except CompileProblem as exc:
                raise SyntaxProblem(exc.message, exc.offset) from None
    except SyntaxProblem as exc:
        raise UsageError(exc.message, file.where(parts, exc.offset)) from None
    renderer = make_renderer(pieces, escape)
    return _located(renderer, file.where(parts))  # type: ignore[return-value]


# ---- libraries ----------------------------------------------------------------------------


class _LibraryCompiler:
    """Compiles library values and functions on first reference (so order does not matter)."""

    def __init__(self, files: list[YamlFile]) -> None:
        self.entries: dict[str, LibraryEntry] = {}
        self._where: dict[str, tuple[YamlFile, tuple[str | int, ...]]] = {}
        self._values: dict[str, tuple[Fn, Shape]] = {}
        self._functions: dict[str, tuple[CompiledFunction, Shape]] = {}
        self._busy: set[str] = set()
        doc_file = self._document_file(files)
        schema_name = doc_file.data["document"]["schema"]
        try:
            schema = load_schema(schema_name)
        except FileNotFoundError:
            raise UsageError(f"no schema named {schema_name!r}", doc_file.where(("document", "schema"))) from None
        roots = tuple(schema.get("properties", {}))
        self.namespace = Namespace(
            Shapes(schema),
            env_names={**{n: schema["properties"][n] for n in roots}, "document": schema, "asOf": {"type": "string"}},
        )
        self.compiler = Compiler(self.namespace)
        for f in files:
            self._collect(f)
        self.document = self._document(doc_file, schema_name, roots)

    @staticmethod
    def _document_file(files: list[YamlFile]) -> YamlFile:
        described = [f for f in files if "document" in f.data]
        if not described:
            raise UsageError("no loaded library describes the document (a library with a 'document' section)")
        if len(described) > 1:
            raise UsageError(f"the document is already described by {described[0].path}",
                             described[1].where(("document",)))
        return described[0]

    def _document(self, file: YamlFile, schema: str, roots: tuple[str, ...]) -> DocumentSpec:
        as_of, _ = compile_expression(self.compiler, file, ("document", "asOf"), {})
        subject, _ = compile_expression(self.compiler, file, ("document", "subject"), {})
        return DocumentSpec(schema, roots, as_of, subject)

    def _collect(self, f: YamlFile) -> None:
        for section, kind in (("values", "value"), ("functions", "function")):
            for name, spec in f.data.get(section, {}).items():
                where = f.where((section, name))
                if name in self.entries or name in self.namespace.env_names:
                    raise UsageError(f"{name!r} is already defined", where)
                expression = spec["expr"] if kind == "value" else spec["body"]
                params = tuple(spec.get("params", ()))
                self.entries[name] = LibraryEntry(name, kind, params, spec["description"], where, expression)
                self._where[name] = (f, (section, name, "expr" if kind == "value" else "body"))
                if kind == "value":
                    self.namespace.values[name] = self._value_shape(name)
                else:
                    self.namespace.functions[name] = (params, self._function_shape(name))

    def _value_shape(self, name: str) -> Callable[[], Shape]:
        return lambda: self._value(name)[1]

    def _function_shape(self, name: str) -> Callable[[], Shape]:
        return lambda: self._function(name)[1]

    def _value(self, name: str) -> tuple[Fn, Shape]:
        if name not in self._values:
            if name in self._busy:
                file, parts = self._where[name]
                raise UsageError(f"{name!r} is defined in terms of itself", file.where(parts))
            self._busy.add(name)
            file, parts = self._where[name]
            self._values[name] = compile_expression(self.compiler, file, parts, {})
            self._busy.discard(name)
        return self._values[name]

    def _function(self, name: str) -> tuple[CompiledFunction, Shape]:
        if name not in self._functions:
            if name in self._busy:
                return CompiledFunction((), lambda env: None), None  # recursion: shape unknown
            self._busy.add(name)
            file, parts = self._where[name]
            params = self.entries[name].params
            fn, shape = compile_expression(self.compiler, file, parts, dict.fromkeys(params))
            self._functions[name] = (CompiledFunction(params, fn), shape)
            self._busy.discard(name)
        return self._functions[name]

    def compiled_values(self) -> dict[str, Fn]:
        return {n: self._value(n)[0] for n, e in self.entries.items() if e.kind == "value"}

    def compiled_functions(self) -> dict[str, CompiledFunction]:
        return {n: self._function(n)[0] for n, e in self.entries.items() if e.kind == "function"}


# ---- policies -----------------------------------------------------------------------------


def _compile_policies(files: list[YamlFile], library: _LibraryCompiler) -> list[Policy]:
    seen: dict[str, str] = {}
    policies = []
    for f in files:
        policy = _PolicyCompiler(f, library.compiler).compile()
        pid = policy.info.id
        if pid in seen:
            raise UsageError(f"duplicate policy id {pid} (first defined in {seen[pid]})", f.where(("id",)))
        seen[pid] = f.path
        policies.append(policy)
    return policies


class _PolicyCompiler:
    def __init__(self, file: YamlFile, compiler: Compiler) -> None:
        self.file = file
        self.data = file.data
        self.compiler = compiler
        self.params = tuple(
            Parameter(name, spec["default"], spec["schema"], spec["description"])
            for name, spec in self.data.get("parameters", {}).items()
        )
        self.scope: dict[str, Shape] = {"params": object_of({p.name: p.schema for p in self.params})}
        self._check_defaults()

    def _check_defaults(self) -> None:
        for param in self.params:
            try:
                checker = jsonschema_rs.Draft202012Validator(param.schema)
            except (ValueError, jsonschema_rs.ValidationError) as exc:
                where = self.file.where(("parameters", param.name, "schema"))
                raise UsageError(f"parameter {param.name}: invalid schema: {exc}", where) from None
            problems = violations_of(checker, param.default)
            if problems:
                where = self.file.where(("parameters", param.name, "default"))
                raise UsageError(f"parameter {param.name}: the default {problems[0].message}", where)

    def expression(self, *parts: str | int, located: bool = True) -> Fn:
        fn, _ = compile_expression(self.compiler, self.file, parts, self.scope, located)
        return fn

    def bindings(self, *parts: str) -> tuple[tuple[str, Fn], ...]:
        out = []
        for name in _at(self.data, parts):
            self._check_free(name, (*parts, name))
            fn, shape = compile_expression(self.compiler, self.file, (*parts, name), self.scope)
            self.scope[name] = shape
            out.append((name, fn))
        return tuple(out)

    def _check_free(self, name: str, parts: tuple[str | int, ...]) -> None:
        ns = self.compiler.ns
        if name in self.scope or name in ns.env_names or name in ns.values:
            raise UsageError(f"{name!r} is already defined; choose another name", self.file.where(parts))

    def loops(self) -> tuple[Loop, ...]:
        spec = self.data.get("forEach", [])
        levels = [spec] if isinstance(spec, dict) else spec
        prefix: tuple[str | int, ...] = ("forEach",) if isinstance(spec, dict) else ()
        out = []
        for i, level in enumerate(levels):
            parts = prefix or ("forEach", i)
            items, shape = compile_expression(self.compiler, self.file, (*parts, "in"), self.scope)
            self._check_free(level["as"], (*parts, "as"))
            self.scope[level["as"]] = self.compiler.shapes.items(shape)
            where = self.expression(*parts, "where", located=False) if "where" in level else None
            out.append(Loop(level["as"], items, where, self.file.where((*parts, "where"))))
        return tuple(out)

    def compile(self) -> Policy:
        d = self.data
        info = PolicyInfo(d["id"], d["title"], d["severity"], d["description"].strip(), d["rationale"].strip(),
                          d["remediation"].strip(), self.params, self.file.path)
        defines = self.bindings("define") if "define" in d else ()
        loops = self.loops()
        lets = self.bindings("let") if "let" in d else ()
        check = self.expression("assert", located=False)
        bulk = None
        if loops and not lets:
            bulk = self.compiler.bulk_predicate(_parse(self.file, ("assert",)), loops[-1].name, self.scope)
        report_lets = self.bindings("report", "let") if "let" in d["report"] else ()
        template = lambda key, escape=None: compile_template(  # noqa: E731
            self.compiler, self.file, ("report", key), self.scope, escape)
        report = Report(
            self.expression("report", "at"),
            template("field", escape_segment) if "field" in d["report"] else None,
            template("key"), template("message"), report_lets,
        )
        return Policy(info, defines, loops, lets, check, self.file.where(("assert",)), bulk, report, self.file)

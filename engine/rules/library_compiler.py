"""Compiling library files: shared values and functions, and the document's description."""

from __future__ import annotations

from collections.abc import Callable, Mapping

from wxcc_policy.errors import UsageError
from wxcc_policy.inputs.config_files import YamlFile
from wxcc_policy.lang.builtins import BUILTINS, Builtin
from wxcc_policy.lang.compiler import Compiler, Namespace
from wxcc_policy.lang.inlining import Inline, is_leaf
from wxcc_policy.lang.names import AS_OF, DOCUMENT, RESERVED
from wxcc_policy.lang.runtime import CompiledFunction
from wxcc_policy.lang.shapes import Shape, Shapes
from wxcc_policy.rules.expressions import compile_expression, locate_errors, parse_at
from wxcc_policy.rules.model import DocumentSpec, Fn, LibraryEntry
from wxcc_policy.validation.schemas import load_schema


class LibraryCompiler:
    """Compiles library values and functions on first reference (so order does not matter);
    the policies are compiled with its compiler, so with the same built-in table."""

    def __init__(self, files: list[YamlFile], builtins: Mapping[str, Builtin] = BUILTINS) -> None:
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
            env_names={**{n: schema["properties"][n] for n in roots}, DOCUMENT: schema, AS_OF: {"type": "string"}},
            builtins=builtins,
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
            raise UsageError(f"the document is already described by {described[0].path}", described[1].where(("document",)))
        return described[0]

    def _document(self, file: YamlFile, schema: str, roots: tuple[str, ...]) -> DocumentSpec:
        as_of, _ = compile_expression(self.compiler, file, ("document", "asOf"), {})
        subject, _ = compile_expression(self.compiler, file, ("document", "subject"), {})
        return DocumentSpec(schema, roots, as_of, subject)

    def _collect(self, f: YamlFile) -> None:
        for section, kind in (("values", "value"), ("functions", "function")):
            for name, spec in f.data.get(section, {}).items():
                where = f.where((section, name))
                if name in self.entries or name in self.namespace.env_names or name in RESERVED:
                    raise UsageError(f"{name!r} is already defined", where)
                if kind == "function" and name in BUILTINS:  # a call would reach the built-in, silently
                    raise UsageError(f"{name!r} is already defined: it is a built-in function (docs/policy-language.md)", where)
                expression = spec["expr"] if kind == "value" else spec["body"]
                params = tuple(spec.get("params", ()))
                self.entries[name] = LibraryEntry(name, kind, params, spec["description"], where, expression)
                self._where[name] = (f, (section, name, "expr" if kind == "value" else "body"))
                if kind == "value":
                    self.namespace.values[name] = self._value_shape(name)
                else:
                    self.namespace.functions[name] = (params, self._function_shape(name))
                    self.namespace.inline[name] = self._inline(name)

    def _value_shape(self, name: str) -> Callable[[], Shape]:
        return lambda: self._value(name)[1]

    def _function_shape(self, name: str) -> Callable[[], Shape]:
        return lambda: self._function(name)[1]

    def _inline(self, name: str) -> Callable[[], Inline | None]:
        """What a call of function `name` may inline: its body, if small and a leaf (lang/inlining.py)."""
        cache: list[Inline | None] = []

        def spec() -> Inline | None:
            if not cache:
                self._function(name)  # compiled as written first: its own errors are reported as before
                file, parts = self._where[name]
                body = parse_at(file, parts)
                where = file.where(parts)
                leaf = is_leaf(body)
                cache.append(Inline(self.entries[name].params, body, lambda fn: locate_errors(fn, where)) if leaf else None)
            return cache[0]

        return spec

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

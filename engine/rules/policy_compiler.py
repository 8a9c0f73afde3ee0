"""Compiling policy files into Policy records of callables."""

from __future__ import annotations

from wxcc_policy.errors import UsageError
from wxcc_policy.inputs.config_files import YamlFile
from wxcc_policy.inputs.pointers import escape_segment
from wxcc_policy.lang.compiler import Compiler
from wxcc_policy.lang.names import PARAMS
from wxcc_policy.lang.shapes import Shape, object_of
from wxcc_policy.rules.expressions import compile_expression, compile_template, parse_at, value_at
from wxcc_policy.rules.fix_compiler import FixCompiler
from wxcc_policy.rules.guards import impact_value, loop_collection, report_target, target_problem
from wxcc_policy.rules.library_compiler import LibraryCompiler
from wxcc_policy.rules.model import Fn, Loop, Parameter, Policy, PolicyInfo, Report
from wxcc_policy.rules.parameters import parameter_problem
from wxcc_policy.validation.schemas import user_schema_validator


def compile_policies(files: list[YamlFile], library: LibraryCompiler) -> list[Policy]:
    seen: dict[str, str] = {}
    policies = []
    for f in files:
        policy = PolicyCompiler(f, library.compiler).compile()
        pid = policy.info.id
        if pid in seen:
            raise UsageError(f"duplicate policy id {pid} (first defined in {seen[pid]})", f.where(("id",)))
        seen[pid] = f.path
        policies.append(policy)
    return policies


class PolicyCompiler:
    def __init__(self, file: YamlFile, compiler: Compiler) -> None:
        self.file = file
        self.data = file.data
        self.compiler = compiler
        self.params = tuple(
            Parameter(name, spec["default"], spec["schema"], spec["description"]) for name, spec in self.data.get("parameters", {}).items()
        )
        self.scope: dict[str, Shape] = {PARAMS: object_of({p.name: p.schema for p in self.params})}
        self._check_defaults()

    def _check_defaults(self) -> None:
        for param in self.params:
            try:  # the schema itself must be valid, and reach no file or network (docs/hardening.md)
                user_schema_validator(param.schema)
            except ValueError as exc:
                where = self.file.where(("parameters", param.name, "schema"))
                raise UsageError(f"parameter {param.name}: invalid schema: {exc}", where) from None
            problem = parameter_problem(param.schema, param.default)
            if problem:
                where = self.file.where(("parameters", param.name, "default"))
                raise UsageError(f"parameter {param.name}: the default {problem}", where)

    def expression(self, *parts: str | int, located: bool = True) -> Fn:
        fn, _ = compile_expression(self.compiler, self.file, parts, self.scope, located)
        return fn

    def bindings(self, *parts: str) -> tuple[tuple[str, Fn], ...]:
        out = []
        for name in value_at(self.data, parts):
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
            items = loop_collection(items, self.file.where((*parts, "in")))
            self._check_free(level["as"], (*parts, "as"))
            self.scope[level["as"]] = self.compiler.shapes.items(shape)
            where = self.expression(*parts, "where", located=False) if "where" in level else None
            out.append(Loop(level["as"], items, where, self.file.where((*parts, "where"))))
        return tuple(out)

    def report_target(self) -> Fn:
        at, shape = compile_expression(self.compiler, self.file, ("report", "at"), self.scope)
        where = self.file.where(("report", "at"))
        problem = target_problem(parse_at(self.file, ("report", "at")), shape, self.compiler.shapes)
        if problem:
            raise UsageError(problem, where)
        return report_target(at, where)

    def impact(self) -> tuple[str, Fn] | None:
        """`impact: {measure, value}`: a number, or an expression over the finding's bindings."""
        spec = self.data.get("impact")
        if spec is None:
            return None
        value = spec["value"]
        if isinstance(value, str):
            fn = impact_value(self.expression("impact", "value"), self.file.where(("impact", "value")))
        else:
            fn = lambda env: value  # noqa: E731 (a constant: the schema made it a number)
        return " ".join(spec["measure"].split()), fn

    def compile(self) -> Policy:
        d = self.data
        info = PolicyInfo(
            d["id"],
            d["title"],
            d["severity"],
            d["description"].strip(),
            d["rationale"].strip(),
            d["remediation"].strip(),
            self.params,
            self.file.path,
            self.file.where(("report", "at")),
        )
        defines = self.bindings("define") if "define" in d else ()
        loops = self.loops()
        lets = self.bindings("let") if "let" in d else ()
        check = self.expression("assert", located=False)
        bulk = None
        if loops and not lets:
            bulk = self.compiler.bulk_predicate(parse_at(self.file, ("assert",)), loops[-1].name, self.scope)
        report_lets = self.bindings("report", "let") if "let" in d["report"] else ()
        template = lambda key, escape=None: compile_template(  # noqa: E731
            self.compiler, self.file, ("report", key), self.scope, escape
        )
        report = Report(
            self.report_target(),
            template("field", escape_segment) if "field" in d["report"] else None,
            template("key"),
            template("message"),
            report_lets,
            self.impact(),
            FixCompiler(self.file, self.compiler, self.scope).compile() if "fix" in d else None,
        )
        return Policy(info, defines, loops, lets, check, self.file.where(("assert",)), bulk, report, self.file)

"""Compiling a policy's `fix:` (docs/policy-language.md "Fixes"): operations whose
element, field and value are expressions over the finding's bindings, and an optional
choice among candidates. The engine computes the JSON Pointers (evaluation/locate.py)."""

from __future__ import annotations

from wxcc_policy.errors import UsageError
from wxcc_policy.inputs.config_files import YamlFile
from wxcc_policy.inputs.pointers import escape_segment
from wxcc_policy.lang.compiler import Compiler
from wxcc_policy.lang.shapes import Shape
from wxcc_policy.rules.expressions import compile_expression, compile_template, parse_at
from wxcc_policy.rules.guards import report_target, target_problem
from wxcc_policy.rules.model import Choice, Fix, FixOperation, Fn


class FixCompiler:
    """`scope` is the policy's scope once `report.let` is bound; a choice adds its name."""

    def __init__(self, file: YamlFile, compiler: Compiler, scope: dict[str, Shape]) -> None:
        self.file = file
        self.compiler = compiler
        self.scope = dict(scope)

    def compile(self) -> Fix:
        spec = self.file.data["fix"]
        when = self._expression("fix", "when") if "when" in spec else None
        choice = self._choice(spec["choose"]) if "choose" in spec else None
        operations = tuple(self._operation(i, op) for i, op in enumerate(spec["operations"]))
        return Fix(operations, choice, when)

    def _expression(self, *parts: str | int) -> Fn:
        fn, _ = compile_expression(self.compiler, self.file, parts, self.scope)
        return fn

    def _choice(self, spec: dict[str, str]) -> Choice:
        name = spec["as"]
        if name in self.scope or name in self.compiler.ns.env_names or name in self.compiler.ns.values:
            raise UsageError(f"{name!r} is already defined; choose another name", self.file.where(("fix", "choose", "as")))
        source, shape = compile_expression(self.compiler, self.file, ("fix", "choose", "from"), self.scope)
        self.scope[name] = self.compiler.shapes.items(shape)
        return Choice(name, source)

    def _operation(self, i: int, spec: dict[str, str]) -> FixOperation:
        parts = ("fix", "operations", i)
        at_parts = (*parts, "at") if "at" in spec else ("report", "at")
        field = compile_template(self.compiler, self.file, (*parts, "field"), self.scope, escape_segment) if "field" in spec else None
        value = self._expression(*parts, "value") if "value" in spec else None
        if (value is None) != (spec["op"] == "remove"):
            problem = "a remove takes no value" if value is not None else f"a {spec['op']} needs a value"
            raise UsageError(f"fix operation {i + 1}: {problem}", self.file.where(parts))
        return FixOperation(spec["op"], self._target(at_parts), field, value)

    def _target(self, parts: tuple[str | int, ...]) -> Fn:
        at, shape = compile_expression(self.compiler, self.file, parts, self.scope)
        problem = target_problem(parse_at(self.file, parts), shape, self.compiler.shapes)
        if problem:
            raise UsageError(problem.replace("report.at", "a fix's at").replace("report.field", "its field"), self.file.where(parts))
        return report_target(at, self.file.where(parts))

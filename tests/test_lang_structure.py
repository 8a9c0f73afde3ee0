"""lang/ as a reader of small interpreters expects it: named token kinds and binding
powers, an exhaustive compiler, built-ins that document themselves, one error
hierarchy, reserved names as constants, and speed-ups that agree with plain evaluation."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from conftest import ROOT

from wxcc_policy import errors
from wxcc_policy.lang import ast, parser, speedups
from wxcc_policy.lang.builtins import BUILTINS, CATEGORIES
from wxcc_policy.lang.compiler import Compiler, Namespace
from wxcc_policy.lang.lexer import TokenKind, tokenize
from wxcc_policy.lang.parser import Power, parse_expression
from wxcc_policy.lang.reference import refreshed
from wxcc_policy.lang.runtime import CompiledFunction, Runtime
from wxcc_policy.lang.shapes import Shapes

ENGINE = ROOT / "engine"


def test_token_kinds_are_named_and_compare_as_text() -> None:
    kinds = [t.kind for t in tokenize("count(xs) + 1 > 'a' and not b")]
    assert all(isinstance(k, TokenKind) for k in kinds)
    assert kinds[:4] == [TokenKind.NAME, TokenKind.OP, TokenKind.NAME, TokenKind.OP]
    assert TokenKind.NAME == "NAME" and kinds[-1] is TokenKind.EOF


def test_binding_powers_are_named() -> None:
    assert all(isinstance(power, Power) for power in parser._INFIX.values())
    source = (ENGINE / "lang" / "parser.py").read_text()
    assert not re.search(r"expression\(\s*\d", source), "a bare number as a binding power"


@pytest.mark.parametrize(
    ("source", "shape"),
    [
        ("not a == b", "Unary(not, Binary(==))"),
        ("-a.b", "Unary(-, Member)"),
        ("a ?? b + c", "Binary(??, Name, Binary(+))"),
        ("a or b and c", "Binary(or, Name, Binary(and))"),
        ("a not in b", "Unary(not, Binary(in))"),
    ],
)
def test_precedence(source: str, shape: str) -> None:
    assert _outline(parse_expression(source)) == shape


def _outline(node: ast.Node, depth: int = 0) -> str:
    name, op = type(node).__name__, getattr(node, "op", None)
    if depth == 1 or not ast.children(node):
        return f"{name}({op})" if op else name
    parts = ([op] if op else []) + [_outline(c, depth + 1) for c in ast.children(node)]
    return f"{name}({', '.join(parts)})"


SAMPLES = [
    "[1, 'a', true, null]",
    "{a: users[0].id}",
    "-count(filter(users, u -> u.id != null))",
    "if tenant.id == 'x' then 1 else 2",
]


def test_the_compiler_handles_every_node_type_and_nothing_else() -> None:
    seen: set[type] = set()
    stack: list[ast.Node] = [parse_expression(s) for s in SAMPLES]
    while stack:
        node = stack.pop()
        seen.add(type(node))
        stack.extend(ast.children(node))
    assert seen == set(ast.NODE_TYPES)  # the samples exercise every kind of node
    compiler = _compiler()
    for source in SAMPLES:
        compiler.compile(parse_expression(source))
    with pytest.raises(AssertionError, match="no compiler for object"):
        compiler.compile(object())  # type: ignore[arg-type]


def _compiler(extra: dict[str, Any] | None = None) -> Compiler:
    from wxcc_policy.validation.schemas import load_schema

    schema = load_schema("snapshot")
    return Compiler(Namespace(Shapes(schema), {**schema["properties"], **(extra or {})}))


def test_builtin_reference_in_the_docs_is_generated_and_fresh() -> None:
    page = (ROOT / "docs" / "policy-language.md").read_text(encoding="utf-8")
    assert refreshed(page) == page, "run: python -m wxcc_policy.lang.reference docs/policy-language.md"


def test_each_builtin_carries_its_arity_result_type_and_doc() -> None:
    for name, spec in BUILTINS.items():
        assert spec.signature.startswith(f"{name}("), name
        assert spec.doc and "\n" not in spec.doc and spec.doc.endswith("."), name
        assert 0 < spec.min_args <= spec.max_args and spec.returns and spec.category in CATEGORIES, name


def test_errors_share_one_located_base() -> None:
    from wxcc_policy.errors import CompileProblem, EvalError, EvalFailure, SyntaxProblem

    for cls in (errors.InputError, errors.UsageError, SyntaxProblem, CompileProblem, EvalError, EvalFailure):
        assert issubclass(cls, errors.LocatedError)
    assert str(errors.UsageError("bad", "f.yaml:1:2")) == "f.yaml:1:2: bad"
    assert errors.InputError("bad", 7).offset == 7
    budget = errors.BudgetExceeded("too much").located("f.yaml:3:4").in_policy("X-1")
    assert isinstance(budget, errors.BudgetFailure) and budget.policy == "X-1" and budget.message == "policy X-1: too much"


def test_reserved_names_are_constants_not_literals() -> None:
    """The names the engine binds (document, asOf, params) are spelled once, in lang/names.py."""
    offenders = []
    for path in [*(ENGINE / "lang").glob("*.py"), *(ENGINE / "rules").glob("*.py"), ENGINE / "evaluation" / "evaluator.py"]:
        text = path.read_text()
        if path.name != "names.py" and re.search(
            r"""(env|base|scope|env_names)\[\s*["'](asOf|params|document)["']|["'](asOf|params|document)["']\s*:\s*(schema|\{"type")""",
            text,
        ):
            offenders.append(path.name)
    assert offenders == []


# -- the speed-ups compute what the plain closures compute ---------------------------------


ITEMS = [{"k": "a"}, {"k": "b"}, {"k": None}, {"k": ["a", 1]}, {}, "not an object", {"k": 1}]


@pytest.mark.parametrize("table", [frozenset({"a", ("a", 1), 1}), {"a": 1, ("a", 1): 2}, ["a", ["a", 1]], "abc", None])
@pytest.mark.parametrize("negate", [False, True])
def test_fused_and_bulk_membership_agree_with_plain_evaluation(table: Any, negate: bool) -> None:
    fused_source = "x.k in t"
    plain_source = "[x.k][0] in t"  # the same test, in a form no speed-up recognises
    if negate:
        fused_source, plain_source = f"not ({fused_source})", f"not ({plain_source})"
    compiler = _compiler({"x": None, "t": None})
    fused, _ = compiler.compile(parse_expression(fused_source))
    plain, _ = compiler.compile(parse_expression(plain_source))
    bulk = compiler.bulk_predicate(parse_expression(fused_source), "x", {})
    assert bulk is not None and compiler.bulk_predicate(parse_expression(plain_source), "x", {}) is None
    expected = [plain({"x": item, "t": table}) for item in ITEMS]
    assert [fused({"x": item, "t": table}) for item in ITEMS] == expected
    assert bulk({"t": table}, ITEMS) == expected
    assert speedups.failing_items(bulk, {"t": table}, ITEMS) == [i for i, ok in zip(ITEMS, expected, strict=True) if not ok]


def test_memo_tells_true_one_and_one_point_zero_apart() -> None:
    """Regression: the memo keyed on (name, *args), and True == 1 == 1.0 in Python."""
    calls: list[Any] = []

    def body(env: dict[str, Any]) -> Any:
        calls.append(env["x"])
        return repr(env["x"])

    runtime = Runtime({}, {}, {"f": CompiledFunction(("x",), body)})
    assert [runtime.call("f", [v]) for v in (True, 1, 1.0, 1, True)] == ["True", "1", "1.0", "1", "True"]
    assert calls == [True, 1, 1.0]  # each computed once, none taken for another
    assert speedups.memo_key("f", [True]) != speedups.memo_key("f", [1]) != speedups.memo_key("f", [1.0])
    assert speedups.memo_key("f", [[1]]) is None  # only scalar arguments are memoised


def test_memo_regression_through_a_policy(runner: Any, tmp_path: Path) -> None:
    import json

    from conftest import EXAMPLES, run_cli

    (tmp_path / "lib.yaml").write_text(
        "kind: library\nname: t\ndescription: d\nfunctions:\n"
        "  shown:\n    params: [x]\n    description: how x renders\n    body: \"str(x) + (if x == 1 then '=1' else '')\"\n"
    )
    (tmp_path / "p.yaml").write_text(
        "id: ACME-M-001\ntitle: t\nseverity: info\ndescription: d\nrationale: r\nremediation: m\n"
        'assert: "false"\nreport: {at: tenant, key: k, message: "{shown(true)} {shown(1)}"}\n'
    )
    args = ("check", "--format", "json", "--fail-on", "error", "--select", "ACME-M-001", "--policy-dir", str(tmp_path))
    code, out, _ = run_cli(runner, *args, str(EXAMPLES / "acme-tenant.json"))
    assert code == 0
    assert json.loads(out)["results"][0]["findings"][0]["message"] == "true=1 1=1"

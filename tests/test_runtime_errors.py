"""Hostile expressions and values end in located one-line errors, never in an internal
error: the expression runtime, the parser, dates at the edges of the calendar,
parameter types and report targets (issue 12 §5 and §6, issue 7 §6)."""

from __future__ import annotations

import contextlib
import json
from pathlib import Path
from typing import Any

import pytest
from conftest import EXAMPLES, examples, run_cli

from wxcc_policy.errors import EvalError
from wxcc_policy.lang.builtins import BUILTINS
from wxcc_policy.lang.compiler import Compiler, Namespace
from wxcc_policy.lang.parser import parse_expression
from wxcc_policy.lang.shapes import Shapes

ACME = str(EXAMPLES / "acme-tenant.json")


def policy(assertion: str, *, at: str = "tenant", message: str = "m", extra: str = "") -> str:
    """A policy whose `assert` is on line 8, column 10 (after `assert: "`)."""
    return (
        "id: ACME-X-001\ntitle: t\nseverity: info\ndescription: d\nrationale: r\nremediation: m\n"
        f"{extra or 'define: {}'}\n"
        f"assert: {json.dumps(assertion)}\n"
        f"report: {{at: {json.dumps(at)}, key: k, message: {json.dumps(message)}}}\n"
    )


def check(runner: Any, tmp_path: Path, text: str, *args: str) -> tuple[int, str]:
    (tmp_path / "p.yaml").write_text(text)
    code, out, err = run_cli(runner, "check", "--select", "ACME-X-001", "--policy-dir", str(tmp_path), *args, ACME)
    assert "internal error" not in out + err and "Traceback" not in out + err
    return code, out + err


RUNTIME = [
    ("count(set([tenant])) > 0", "an object cannot be a key"),
    ("tenant in set(['a'])", "cannot look up an object"),
    ("tenant in {a: 1}", "cannot look up an object"),
    ("{a: 1}[tenant] == 1", "an object cannot be a key"),
    ("count(keys(countBy(users, u -> tenant))) > 0", "an object cannot be a key"),
    ("count(duplicates(users, u -> tenant)) == 0", "an object cannot be a key"),
    ("count(keys(index(users, u -> tenant))) > 0", "an object cannot be a key"),
    ("count(groupBy(users, u -> tenant)) > 0", "an object cannot be a key"),
    ("abs(tenant.id) > 0", "abs() needs a number, got a string"),
    ("count(split(tenant.id, count(users))) > 0", "split() needs a string as separator, got a number"),
    ("count(split(tenant.id, lower(''))) > 0", "split() needs a non-empty separator"),
    ("count(slice(users, tenant.id)) > 0", "slice() needs a whole number, got a string"),
    ("count(keys(sumBy(users, u -> u.id, u -> u.id))) > 0", "sumBy() needs numbers to add, got a string"),
    ("startsWith(tenant.id, 5)", "startsWith() needs a string as prefix"),
    ("substring(tenant.id, count(users) * 100) > ''", "substring(): position 300 is outside a string of 13 characters"),
    ("substring(tenant.id, 3, count(users) - 1) > ''", "substring(): end 2 is before start 3"),
    ("substring(tenant.id, 0 - count(users)) > ''", "substring(): position -3 is outside a string of 13 characters"),
    ("charAt(tenant.id, 14) > ''", "charAt(): position 14 is outside a string of 13 characters"),
    ("indexOf(tenant.id, 'a', 99) > 0", "indexOf(): position 99 is outside"),
    ("lastIndexOf(tenant.id, count(users)) > 0", "lastIndexOf() needs a string as text to find, got a number"),
    ("replace(tenant.id, 'a', count(users)) > ''", "replace() needs a string as new text, got a number"),
    ("replace(tenant.id, 'a', 'b', 'all') > ''", "replace() needs a whole number, got a string"),
    ("size(count(users)) > 0", "size() needs a string, a list or an object, got a number"),
    ("count(split(tenant.id, '-', 'two')) > 0", "split() needs a whole number, got a string"),
    ("addDays('2026-01-01', 3000000) > ''", "outside the years 0001 to 9999"),
    ("addDays('9999-12-31', count(users)) > ''", "outside the years 0001 to 9999"),
    ("date('0001-01-01T00:00:00+01:00') > ''", "outside the years 0001 to 9999"),
    ("instant('2026-02-30') > ''", "is not a date"),
    ("count(users) * 1e308 * 10 > 0", "out of range"),
    ("min(users, u -> if u.id == 'u-agent-1' then 1 else u.id) != null", "min() values must be all numbers or all strings"),
]


@pytest.mark.parametrize(("assertion", "fragment"), RUNTIME, ids=[a[:40] for a, _ in RUNTIME])
def test_runtime_errors_are_located(runner: Any, tmp_path: Path, assertion: str, fragment: str) -> None:
    code, out = check(runner, tmp_path, policy(assertion))
    assert code == 2
    assert f"{tmp_path / 'p.yaml'}:8:9" in out and fragment in out, out


LOAD = [
    ("count(split(tenant.id, 5)) > 0", "needs a string as separator", 33),
    ("count(split(tenant.id, '')) > 0", "needs a non-empty separator", 33),
    ("count(distinct(users, 5)) > 0", "argument 2 must be a lambda", 32),
    ("count(filter(users, (a, b) -> b)) > 0", "this lambda takes 2 parameters", 30),
    ("matches(tenant.id, '(a)\\\\1')", "invalid regular expression", 29),
    ("(" * 5000 + "true" + ")" * 5000, "nested more than 100 levels", 110),
    ("not " * 3000 + "true", "nested more than 100 levels", 410),
    ("+".join(["1"] * 20000) + " > 0", "nested more than 100 levels", 10),
    ("1" * 5000 + " > 0", "a number literal of more than 100 characters", 10),
    ("1e400 > 0", "out of range", 10),
]


@pytest.mark.parametrize(("assertion", "fragment", "column"), LOAD, ids=[f"{a[:30]}...({len(a)})" for a, _, _ in LOAD])
def test_load_time_errors_are_located(runner: Any, tmp_path: Path, assertion: str, fragment: str, column: int) -> None:
    code, out = check(runner, tmp_path, policy(assertion))
    assert code == 2
    assert f"{tmp_path / 'p.yaml'}:8:{column}" in out and fragment in out, out[:500]


def test_a_hostile_template_is_located(runner: Any, tmp_path: Path) -> None:
    code, out = check(runner, tmp_path, policy("false", message="{" + "(" * 500 + "1" + ")" * 500 + "}"))
    assert code == 2 and f"{tmp_path / 'p.yaml'}:9" in out and "nested more than 100 levels" in out


def test_composite_keys_render_in_messages(runner: Any, tmp_path: Path) -> None:
    text = policy("false", message="{sumBy(users, u -> [u.id, 'x'], u -> 1)}")
    (tmp_path / "p.yaml").write_text(text)
    code, out, _ = run_cli(runner, "check", "--format", "json", "--select", "ACME-X-001", "--policy-dir", str(tmp_path), ACME)
    message = json.loads(out)["results"][0]["findings"][0]["message"]
    assert code == 0 and message == '{"u-admin-1, x": 1, "u-agent-1, x": 1, "u-agent-2, x": 1}'


def test_error_messages_never_dump_a_whole_collection() -> None:
    schema_free = Compiler(Namespace(Shapes({}), {"xs": None}))
    big = [{"id": f"user-{i}"} for i in range(100_000)]
    for source in ("abs(xs)", "date(xs)", "keys(xs)", "xs in set([xs])", "count(xs) + xs"):
        fn, _ = schema_free.compile(parse_expression(source))
        with pytest.raises(EvalError) as info:
            fn({"xs": big})
        assert len(info.value.message) < 300, source


def test_every_builtin_survives_arguments_of_every_type() -> None:
    """No built-in raises anything but an evaluation error, whatever it is given."""
    values: list[Any] = [None, True, 0, -1, 2.5, "", "a,b", "2026-01-31", [], [1, "a"], [{"a": 1}], {}, {"a": [1]}]
    compiler = Compiler(Namespace(Shapes({}), {"v": None, "w": None}))
    for name, spec in BUILTINS.items():
        args = ", ".join(["v", "w", "w"][: max(spec.min_args, min(spec.max_args, 2))])
        if spec.lambda_at and 1 in spec.lambda_at:
            args = "v, x -> w" + (", x -> w" if 2 in spec.lambda_at else "")
        fn, _ = compiler.compile(parse_expression(f"{name}({args})"))
        for v in values:
            for w in values:
                with contextlib.suppress(EvalError):
                    fn({"v": v, "w": w})


def test_as_of_at_the_end_of_the_calendar_is_a_located_error(runner: Any) -> None:
    code, out, err = run_cli(runner, "check", "--as-of", "9999-12-31", ACME)
    assert code == 2 and "internal error" not in out + err
    assert "outside the years 0001 to 9999" in out + err and ".yaml:" in out + err


def test_a_huge_parameter_is_a_located_error(runner: Any, tmp_path: Path) -> None:
    config = tmp_path / "c.yaml"
    config.write_text("parameters:\n  expiryWarningDays: 3000000\n")
    code, out, err = run_cli(runner, "check", "--config", str(config), ACME)
    assert code == 2 and "internal error" not in out + err and "outside the years 0001 to 9999" in out + err


def test_parameter_values_are_checked_with_their_type(runner: Any, tmp_path: Path) -> None:
    """Regression: 1.0 passed JSON Schema's `integer`, then failed inside a built-in policy."""
    (tmp_path / "config").mkdir()
    config = tmp_path / "config" / "c.yaml"
    config.write_text("parameters:\n  expiryWarningDays: 1.0\n")
    code, out, err = run_cli(runner, "check", "--config", str(config), ACME)
    assert code == 2 and f"{config}:2:" in err and "1.0 is not an integer" in err
    extra = "parameters:\n  limit: {default: 2.0, schema: {type: integer}, description: d}"
    code, out = check(runner, tmp_path, policy("true", extra=extra))
    assert code == 2 and "the default 2.0 is not an integer" in out and "p.yaml:8:" in out


def test_report_at_a_scalar_is_refused_at_load(runner: Any, tmp_path: Path) -> None:
    code, out = check(runner, tmp_path, policy("false", at="tenant.id"))
    assert code == 2 and f"{tmp_path / 'p.yaml'}:9:14" in out and "report.at must be an element of the document" in out
    code, out = check(runner, tmp_path, policy("false", at="count(users)"))
    assert code == 2 and "not a computed value" in out


def test_a_computed_report_at_is_located_when_it_runs(runner: Any, tmp_path: Path) -> None:
    """Regression: the error named the policy file, without the line and column of report.at."""
    code, out = check(runner, tmp_path, policy("false", at="first(map(users, u -> {id: u.id}))"))
    assert code == 2 and f"{tmp_path / 'p.yaml'}:9:14" in out and "not a computed value" in out
    code, out = check(runner, tmp_path, policy("false", at="get({a: 'text'}, 'a')"))
    assert code == 2 and f"{tmp_path / 'p.yaml'}:9:14" in out and "not a string" in out


def test_dates_before_year_1000_sort_before_later_ones(runner: Any, tmp_path: Path) -> None:
    """Regression: instant('0999-01-01') rendered as '999-…' and sorted after 2025."""
    doc = json.loads(Path(ACME).read_text())
    doc["subscriptions"][-1]["createdAt"] = "0999-01-01"
    snapshot = tmp_path / "old.json"
    snapshot.write_text(json.dumps(doc))
    oldest = doc["subscriptions"][-1]["id"]
    text = policy(
        f"first(oldestFirst).id == '{oldest}' and instant('0999-01-01') < instant('2025-01-01T00:00:00Z')",
        message="{instant('0999-01-01')}",
    )
    (tmp_path / "p.yaml").write_text(text)
    code, out, _ = run_cli(runner, "check", "--format", "json", "--select", "ACME-X-001", "--policy-dir", str(tmp_path), str(snapshot))
    assert code == 0 and json.loads(out)["results"][0]["findings"] == []
    (tmp_path / "p.yaml").write_text(policy("false", message="{instant('0999-01-01')} {date('0999-12-31T23:00:00-02:00')}"))
    code, out, _ = run_cli(runner, "check", "--format", "json", "--select", "ACME-X-001", "--policy-dir", str(tmp_path), ACME)
    assert json.loads(out)["results"][0]["findings"][0]["message"] == "0999-01-01T00:00:00.000000Z 1000-01-01"


@pytest.mark.slow
def test_the_parser_and_compiler_raise_only_located_errors() -> None:
    """Random token soups: a syntax or compile problem at an offset, or an expression."""
    from hypothesis import given, settings
    from hypothesis import strategies as st

    from wxcc_policy.errors import CompileProblem, SyntaxProblem

    pieces = ["(", ")", "[", "]", "{", "}", ",", ".", ":", "->", "not", "in", "and", "or", "if", "then", "else", "-", "+", "*",
              "??", "==", "<", "x", "users", "count", "filter", "1", "2.5", "'s'", "null", "true", " "]  # fmt: skip
    compiler = Compiler(Namespace(Shapes({}), {"x": None, "users": None}))

    @settings(max_examples=examples(300), deadline=None, database=None)
    @given(st.lists(st.sampled_from(pieces), max_size=25))
    def parse_and_compile(tokens: list[str]) -> None:
        source = " ".join(tokens)
        try:
            node = parse_expression(source)
            compiler.compile(node)
        except (SyntaxProblem, CompileProblem) as exc:
            assert 0 <= exc.offset <= len(source)

    parse_and_compile()


@pytest.mark.slow
def test_random_expressions_evaluate_or_fail_with_a_located_error() -> None:
    """Expressions built from every built-in, operator and kind of value, over the example
    tenant: a value, or an error of the LocatedError family (never a Python exception)."""
    from hypothesis import given, settings
    from hypothesis import strategies as st

    from wxcc_policy.errors import LocatedError
    from wxcc_policy.lang.budget import Budget, Limits
    from wxcc_policy.lang.names import BUDGET_KEY

    doc = json.loads(Path(ACME).read_text())
    atoms = st.sampled_from(["1", "-1", "2.5", "1e300", "'a'", "''", "'2026-01-31'", "'2026-02'", "null", "true", "[]", "{}",
                             "[1, 'a']", "{a: [1]}", "[[1], [2]]", "x", *doc])  # fmt: skip
    operators = st.sampled_from(["+", "-", "*", "/", "%", "==", "<", ">=", "in", "not in", "and", "or", "??"])

    def calls(inner: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
        def call(name: str, args: list[str]) -> str:
            spec = BUILTINS[name]
            args = args[: max(spec.min_args, min(spec.max_args, len(args)))]
            args += ["1"] * (spec.min_args - len(args))
            return f"{name}({', '.join(f'x -> {a}' if i in spec.lambda_at else a for i, a in enumerate(args))})"

        return st.one_of(
            st.builds(call, st.sampled_from(sorted(BUILTINS)), st.lists(inner, min_size=1, max_size=3)),
            st.builds(lambda a, op, b: f"({a} {op} {b})", inner, operators, inner),
            st.builds(lambda a, b: f"{a}[{b}]", inner, inner),
            st.builds(lambda a: f"{a}.id", inner),
            st.builds(lambda a, b, c: f"if {a} then {b} else {c}", inner, inner, inner),
            st.builds(lambda a: f"-{a}", inner),
        )

    compiler = Compiler(Namespace(Shapes({}), dict.fromkeys([*doc, "x"])))

    @settings(max_examples=examples(400), deadline=None, database=None)
    @given(st.recursive(atoms, calls, max_leaves=12))
    def evaluates(source: str) -> None:
        try:
            fn, _ = compiler.compile(parse_expression(source))
            fn({**doc, "x": None, BUDGET_KEY: Budget(Limits(steps=100_000))})
        except LocatedError as exc:
            assert "\n" not in exc.message and len(exc.message) < 400

    evaluates()


def test_replace_is_bounded_before_it_builds_its_result(runner: Any, tmp_path: Path) -> None:
    """Each replacement may multiply the text: the size is checked before the string exists."""
    big = "tenant.id"
    for _ in range(6):  # 13 characters, then about 26 times more at each step: 180 million at the sixth
        big = f"replace({big}, '', tenant.id + tenant.id)"
    code, out = check(runner, tmp_path, policy(f"size({big}) > 0"))
    assert code == 2 and f"{tmp_path / 'p.yaml'}:8:9" in out and "evaluation budget exceeded: a string of" in out, out

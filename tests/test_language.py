"""The expression language and the checks made when policies load."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from conftest import EXAMPLES, run_cli

from wxcc_policy.errors import CompileProblem, EvalError, SyntaxProblem, UsageError
from wxcc_policy.lang.compiler import Compiler, Namespace
from wxcc_policy.lang.parser import parse_expression
from wxcc_policy.lang.shapes import Shapes
from wxcc_policy.rules.policy_set import load_policy_set
from wxcc_policy.validation.schemas import load_schema


def evaluate(source: str, **env: object) -> object:
    schema = load_schema("snapshot")
    namespace = Namespace(Shapes(schema), {**dict.fromkeys(schema["properties"]), **dict.fromkeys(env)})
    fn, _ = Compiler(namespace).compile(parse_expression(source))
    doc = json.loads((EXAMPLES / "acme-tenant.json").read_text())
    return fn({**doc, **env})


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("1 + 2 * 3", 7),
        ("(1 + 2) * 3", 9),
        ("not 1 == 2 and 3 in [1, 3]", True),
        ("'b' not in ['a']", True),
        ("null ?? 4 + 1", 5),
        ("tenant.labels.region", "EU"),
        ("tenant.nothing ?? 'none'", "none"),
        ("null < 3", False),
        ("if count(users) > 2 then 'many' else 'few'", "many"),
        ("map(filter(subscriptions, s -> s.status == 'active'), s -> s.id)", ["Sub-100", "Sub-200"]),
        ("first(sort(subscriptions, s -> [s.endDate, s.id])).id", "Sub-200"),
        ("max(subscriptions, s -> s.endDate).id", "Sub-100"),
        ("max(0, 23 - 25)", 0),
        ("sum(usage, r -> r.quantity)", 4223),
        ("sumBy(usage, r -> [r.period, r.usageType], r -> r.quantity)[['2026-10', 'standardAgent']]", 23),
        ("map(groupBy(usage, r -> r.usageType), g -> count(g.items))", [2, 1]),
        ("index(users, u -> u.id)['u-agent-2'].roles", ["agent", "supervisor"]),
        ("map(duplicates([1, 2, 1, 1], x -> x), d -> d.occurrence)", [2, 3]),
        ("addDays('2026-12-30', 3)", "2027-01-02"),
        ("endOfMonth('2024-02')", "2024-02-29"),
        ("date('2026-11-20T23:30:00-02:00')", "2026-11-21"),
        ("instant('2026-11-20') < instant('2026-11-20T00:00:01Z')", True),
        ("daysBetween('2026-11-20', '2026-12-20')", 30),
        ("{a: 1, 'b c': [2]}['b c'][0]", 2),
        ("'{x}'", "{x}"),
        # text, as CEL's string extensions have it
        ("map(split('Customer Care, Claims ,Billing', ','), p -> trim(p))", ["Customer Care", "Claims", "Billing"]),
        ("trim(' \\t EU\\n')", "EU"),
        ("trim(null)", None),
        ("split('a,b,c', ',', 2)", ["a", "b,c"]),
        ("split('a,b,c', ',', 0)", []),
        ("split('a,b,c', ',', -1)", ["a", "b", "c"]),
        ("replace('Sub-100 and Sub-200', 'Sub-', 'S')", "S100 and S200"),
        ("replace('a-b-c', '-', '+', 1)", "a+b-c"),
        ("replace('ab', '', '_')", "_a_b_"),
        ("indexOf('agent2@acme.example', '@')", 6),
        ("indexOf('hello', 'l', 3)", 3),
        ("indexOf('hello', 'z')", -1),
        ("lastIndexOf('a.b.c', '.')", 3),
        ("lastIndexOf('a.b.c', '.', 2)", 1),
        ("lastIndexOf('hello', '', 2)", 2),
        ("substring('2026-11-20', 0, 4)", "2026"),
        ("substring('héllo', 1)", "éllo"),
        ("substring(tenant.labels.region, 2)", ""),
        ("charAt('héllo', 1)", "é"),
        ("charAt('abc', 3)", ""),
        ("size('héllo')", 5),
        ("size(users)", 3),
        ("size({a: 1})", 1),
        ("size(null)", 0),
        ("substring(users[0].email, 0, indexOf(users[0].email, '@'))", "admin1"),
    ],
)
def test_expressions(source: str, expected: object) -> None:
    assert evaluate(source) == expected


@pytest.mark.parametrize(
    ("source", "message", "offset"),
    [
        ("map(users, u -> u.subscriptionID)", "unknown field 'subscriptionID'; did you mean 'subscriptionId'?", 18),
        ("subscriptions.id", "cannot read field 'id' of a list", 14),
        ("filtr(users, u -> true)", "did you mean 'filter'?", 0),
        ("map(users, 3)", "argument 2 must be a lambda", 11),
        ("usrs", "did you mean 'users'?", 0),
        ("first(users).roles.x", "cannot read field 'x' of a list", 19),
    ],
)
def test_compile_errors(source: str, message: str, offset: int) -> None:
    schema = load_schema("snapshot")
    namespace = Namespace(Shapes(schema), dict(schema["properties"]))
    with pytest.raises(CompileProblem) as info:
        Compiler(namespace).compile(parse_expression(source))
    assert message in info.value.message and info.value.offset == offset


@pytest.mark.parametrize("source", ["1 +", "a.", "f(1,", "[1, 2", "'open", "a ? b"])
def test_syntax_errors(source: str) -> None:
    with pytest.raises(SyntaxProblem):
        parse_expression(source)


def test_runtime_type_errors_are_reported() -> None:
    with pytest.raises(EvalError, match="cannot compare a string with a number"):
        evaluate("'a' < 1")


POLICY = """id: ACME-T-001
title: t
severity: info
description: d
rationale: r
remediation: m
forEach: {{as: user, in: users}}
assert: "user.{field} != null"
report: {{at: user, key: "users/{{user.id}}", message: "m"}}
"""


def _load_user_policy(tmp_path: Path, text: str) -> None:
    (tmp_path / "p.yaml").write_text(text)
    load_policy_set([tmp_path])


def test_misspelled_field_in_a_user_policy_is_located(tmp_path: Path) -> None:
    with pytest.raises(UsageError) as info:
        _load_user_policy(tmp_path, POLICY.format(field="subscriptionID"))
    assert info.value.where == f"{tmp_path / 'p.yaml'}:8:15"
    assert "did you mean 'subscriptionId'" in info.value.message


def test_valid_user_policy_loads_and_duplicate_ids_are_rejected(tmp_path: Path) -> None:
    _load_user_policy(tmp_path, POLICY.format(field="subscriptionId"))
    with pytest.raises(UsageError, match="duplicate policy id WXCC-TEL-001"):
        _load_user_policy(tmp_path, POLICY.format(field="id").replace("ACME-T-001", "WXCC-TEL-001"))


def test_policy_schema_errors_exit_2_with_position(runner, tmp_path: Path) -> None:
    (tmp_path / "p.yaml").write_text(POLICY.format(field="id").replace("severity: info", "severity: fatal"))
    code, _, err = run_cli(runner, "policies", "--policy-dir", str(tmp_path))
    assert code == 2
    assert f"{tmp_path / 'p.yaml'}:3:11:" in err and "fatal" in err


def test_unknown_parameter_reference_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(UsageError, match="unknown field 'days'"):
        _load_user_policy(tmp_path, POLICY.format(field="id").replace('"user.id != null"', '"params.days > 0"'))


_DOMAIN_WORDS = [
    *("WXCC-", "telephony", "licenseModel", "subscriptionId", "entitlements"),
    *("webexConnect", "overage", "usageType", "standardAgent"),
]


def test_engine_names_no_domain_concept() -> None:
    """Only the adapters (engine/adapters/, which build snapshots) may name snapshot fields."""
    engine = Path(__file__).parent.parent / "engine"
    for path in engine.rglob("*.py"):
        text = path.read_text()
        if path.is_relative_to(engine / "adapters"):
            assert "eval(" not in text and "exec(" not in text, path
            continue
        assert not [w for w in _DOMAIN_WORDS if w in text], path
        assert "eval(" not in text.replace("evaluate(", "").replace("_eval(", "") and "exec(" not in text, path


def test_the_generated_builtin_reference_names_no_domain_concept() -> None:
    """Issue 17: the built-ins' documentation (and the reference made from it) named `usageType`."""
    from wxcc_policy.lang.reference import builtin_reference

    reference = builtin_reference()
    assert "groupBy(xs, x -> key)" in reference
    assert not [w for w in _DOMAIN_WORDS if w in reference]


def test_parameter_default_must_match_its_schema(tmp_path: Path) -> None:
    text = POLICY.format(field="id").replace(
        "forEach:", "parameters:\n  limit: {default: many, schema: {type: integer}, description: d}\nforEach:"
    )
    with pytest.raises(UsageError) as info:
        _load_user_policy(tmp_path, text)
    assert info.value.where == f"{tmp_path / 'p.yaml'}:8:20"
    assert "the default \"many\" is not of type 'integer'" in info.value.message


def test_user_library_values_and_functions(tmp_path: Path, runner) -> None:
    (tmp_path / "lib.yaml").write_text(
        "kind: library\nname: acme\ndescription: d\n"
        "values:\n  agents:\n    description: users with the agent role\n    expr: \"filter(users, u -> 'agent' in u.roles)\"\n"
        "functions:\n  domainOf:\n    params: [u]\n    description: email domain\n    body: \"last(split(u.email ?? '', '@'))\"\n"
    )
    (tmp_path / "p.yaml").write_text(
        POLICY.format(field="id")
        .replace("forEach: {as: user, in: users}", "forEach: {as: user, in: agents}")
        .replace('"user.id != null"', "\"domainOf(user) == 'acme.example'\"")
    )
    code, out, _ = run_cli(
        runner,
        "check",
        "--format",
        "json",
        "--fail-on",
        "info",
        "--policy-dir",
        str(tmp_path),
        "--select",
        "ACME-T-001",
        str(EXAMPLES / "acme-tenant.json"),
    )
    assert code == 0 and json.loads(out)["summary"]["info"] == 0
    (tmp_path / "p2.yaml").write_text(
        (tmp_path / "p.yaml").read_text().replace("ACME-T-001", "ACME-T-002").replace("domainOf(user)", "domainOff(user)")
    )
    code, _, err = run_cli(runner, "policies", "--policy-dir", str(tmp_path))
    assert code == 2 and "unknown function 'domainOff'; did you mean 'domainOf'?" in err and "p2.yaml:8:10" in err


def test_library_name_clash_is_an_error(tmp_path: Path) -> None:
    (tmp_path / "lib.yaml").write_text(
        'kind: library\nname: acme\ndescription: d\nvalues:\n  primaryOn:\n    description: x\n    expr: "1"\n'
    )
    with pytest.raises(UsageError, match="'primaryOn' is already defined"):
        load_policy_set([tmp_path])


@pytest.mark.parametrize("name", ["document", "asOf", "params"])
@pytest.mark.parametrize("section", ["values", "functions"])
def test_library_cannot_define_a_reserved_name(tmp_path: Path, name: str, section: str) -> None:
    """A library `params` would be shadowed, silently, by every policy's parameters."""
    spec = 'expr: "1"' if section == "values" else 'params: []\n    body: "1"'
    (tmp_path / "lib.yaml").write_text(
        f"kind: library\nname: acme\ndescription: d\n{section}:\n  {name}:\n    description: x\n    {spec}\n"
    )
    with pytest.raises(UsageError, match=f"'{name}' is already defined"):
        load_policy_set([tmp_path])


def test_language_documentation_covers_every_function_and_definition() -> None:
    from wxcc_policy.lang.builtins import BUILTINS

    doc = (Path(__file__).parent.parent / "docs" / "policy-language.md").read_text()
    missing = [name for name in BUILTINS if f"`{name}(" not in doc]
    missing += [name for name in load_policy_set().entries if f"`{name}" not in doc]
    assert missing == []


def test_runtime_error_in_a_user_policy_names_the_expression(runner, tmp_path: Path) -> None:
    (tmp_path / "p.yaml").write_text(POLICY.format(field="id").replace('"user.id != null"', '"user.id < 3"'))
    code, out, err = run_cli(runner, "check", "--policy-dir", str(tmp_path), str(EXAMPLES / "acme-tenant.json"))
    assert code == 2
    assert f"{tmp_path / 'p.yaml'}:8:9" in out + err and "cannot compare a string with a number using <" in out + err


def test_report_at_must_be_a_document_element(runner, tmp_path: Path) -> None:
    (tmp_path / "p.yaml").write_text(
        POLICY.format(field="id").replace('"user.id != null"', '"false"').replace("at: user,", "at: \"{'x': 1}\",")
    )
    code, _, err = run_cli(runner, "check", "--policy-dir", str(tmp_path), str(EXAMPLES / "acme-tenant.json"))
    assert code == 2 and "report.at must be an element of the document" in err


def test_type_names_in_messages_read_as_english(runner, tmp_path: Path) -> None:
    """`not a null` read badly: null takes no article."""
    from wxcc_policy.lang.values import a_type

    assert [a_type(v) for v in (None, "x", 1, {}, [])] == ["null", "a string", "a number", "an object", "a list"]
    (tmp_path / "p.yaml").write_text(
        "id: ACME-N-001\ntitle: t\nseverity: info\ndescription: d\nrationale: r\nremediation: m\n"
        'assert: "false"\nreport: {at: "first(filter(users, u -> false))", key: k, message: m}\n'
    )
    code, out, err = run_cli(runner, "check", "--select", "ACME-N-001", "--policy-dir", str(tmp_path), str(EXAMPLES / "acme-tenant.json"))
    assert code == 2 and "(an object or a list), not null (at " in out + err


def test_a_library_function_cannot_take_a_built_in_name(tmp_path: Path) -> None:
    """A call would reach the built-in: a library `trim` written before the built-in existed
    must not be replaced silently."""
    (tmp_path / "lib.yaml").write_text(
        'kind: library\nname: acme\ndescription: d\nfunctions:\n  trim:\n    description: x\n    params: [s]\n    body: "s"\n'
    )
    with pytest.raises(UsageError, match="'trim' is already defined: it is a built-in function") as info:
        load_policy_set([tmp_path])
    assert info.value.where == f"{tmp_path / 'lib.yaml'}:6:5"  # its definition

"""Small library functions inlined at compile time (lang/inlining.py): the same findings,
the same errors at the same place, and nothing inlined where a name could be captured."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from conftest import EXAMPLES, run_cli

from wxcc_policy.lang import ast, inlining
from wxcc_policy.lang.parser import parse_expression
from wxcc_policy.lang.runtime import Runtime

LIBRARY = """kind: library
name: acme
description: d
functions:
  isAgent:
    params: [u]
    description: the user has the agent role
    body: "'agent' in u.roles"
  idBelow:
    params: [u, n]
    description: a comparison that fails on a string id
    body: "u.id < n"
"""

POLICY = """id: ACME-I-{n}
title: t
severity: warning
description: d
rationale: r
remediation: m
forEach: {{as: user, in: users}}
assert: "{condition}"
report: {{at: user, key: "users/{{user.id}}", message: "m"}}
"""


def _check(runner, tmp_path: Path, *conditions: str) -> tuple[int, str, str]:
    tmp_path.mkdir(exist_ok=True)
    (tmp_path / "lib.yaml").write_text(LIBRARY)
    for n, condition in enumerate(conditions):
        (tmp_path / f"p{n}.yaml").write_text(POLICY.format(n=n, condition=condition))
    select = [arg for n in range(len(conditions)) for arg in ("--select", f"ACME-I-{n}")]
    return run_cli(runner, "check", "--format", "json", "--policy-dir", str(tmp_path), *select, str(EXAMPLES / "acme-tenant.json"))


def _calls(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    names: list[str] = []
    call = Runtime.call

    def counted(self: Runtime, name: str, args: list[object]) -> object:
        names.append(name)
        return call(self, name, args)

    monkeypatch.setattr(Runtime, "call", counted)
    return names


def test_an_inlined_call_finds_what_the_call_finds(runner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    calls = _calls(monkeypatch)
    # `user ?? user` is not a plain argument, so that call stays a call
    code, out, err = _check(runner, tmp_path, "isAgent(user)", "isAgent(user ?? user)")
    assert code == 0, err  # warnings do not fail a check by default
    findings = json.loads(out)["results"][0]["findings"]
    by_policy = {p: sorted(f["key"].removeprefix(p) for f in findings if f["policy"] == p) for p in ("ACME-I-0", "ACME-I-1")}
    assert by_policy["ACME-I-0"] == by_policy["ACME-I-1"] != []
    assert calls.count("isAgent") == len(json.loads((EXAMPLES / "acme-tenant.json").read_text())["users"])  # the second policy's only


def test_an_error_in_an_inlined_body_names_the_library_body(runner, tmp_path: Path) -> None:
    inlined = _check(runner, tmp_path / "a", "idBelow(user, 3)")
    called = _check(runner, tmp_path / "b", "idBelow(user ?? user, 3)")
    assert inlined[0] == called[0] == 2
    assert "cannot compare a string with a number using <" in inlined[1] + inlined[2]

    def error(run: tuple[int, str, str], where: Path) -> list[str]:
        return [line.strip().replace(str(where), "") for line in (run[1] + run[2]).splitlines() if "cannot compare" in line]

    assert error(inlined, tmp_path / "a") == error(called, tmp_path / "b") != []
    assert all("lib.yaml:" in line for line in error(inlined, tmp_path / "a")), error(inlined, tmp_path / "a")


def _spec(params: tuple[str, ...], body: str) -> inlining.Inline:
    return inlining.Inline(params, parse_expression(body), lambda fn: fn)


def test_parameters_are_replaced_at_once_and_not_under_a_lambda_that_rebinds_them() -> None:
    body = parse_expression("a.x + b + len(filter(c, a -> a.y))")
    swapped = inlining.substitute(body, {"a": ast.Name(0, "b"), "b": ast.Name(0, "a")})
    assert inlining.free_names(swapped) == {"a", "b", "c"}
    assert swapped.left.left.target == ast.Name(0, "b") and swapped.left.right == ast.Name(0, "a")  # type: ignore[union-attr]
    lam = swapped.right.args[0].args[1]  # type: ignore[union-attr]
    assert lam.body.target.name == "a"  # the lambda's own `a`


@pytest.mark.parametrize(
    ("body", "args", "scope", "expected"),
    [
        ("s.status == 'active'", ("x",), {"x": None}, True),
        ("s.status == 'active'", ("x.plan",), {"x": None}, True),
        ("s.status == 'active'", ("'literal'",), {}, True),
        ("s.status == 'active'", ("x ?? y",), {"x": None, "y": None}, False),  # not plain
        ("s.status == 'active'", ("f(x)",), {"x": None}, False),  # not plain
        ("s.id in ids", ("x",), {"x": None, "ids": None}, False),  # the caller's `ids` would capture the body's
        ("any(s.items, x -> x == s.id)", ("x",), {"x": None}, False),  # the body's lambda would capture the argument
    ],
)
def test_what_may_be_inlined(body: str, args: tuple[str, ...], scope: dict[str, None], expected: bool) -> None:
    nodes = tuple(parse_expression(a) for a in args)
    assert inlining.inlinable(_spec(("s",), body), nodes, scope, set(scope)) is expected


def test_only_small_bodies_that_call_nothing_are_leaves() -> None:
    assert inlining.is_leaf(parse_expression("s.a <= d and d <= s.b"))
    assert not inlining.is_leaf(parse_expression("endOfMonth(p)"))
    assert not inlining.is_leaf(parse_expression(" + ".join(["s.a"] * 30)))

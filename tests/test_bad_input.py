"""Every malformed or hostile input ends in one line with file, line and column."""

from __future__ import annotations

import hashlib
import json
import time
from pathlib import Path

import pytest
from conftest import EXAMPLES, ROOT, run_cli

BAD = ROOT / "tests" / "data" / "bad"

# (file, exit code, expected line, column, message fragment)
CASES = [
    ("truncated.json", 1, 21, 7, "invalid JSON"),
    ("duplicate-key.json", 1, 44, 57, 'duplicate key "email"'),
    ("nan.json", 1, 52, 98, "NaN is not a valid JSON number"),
    ("infinity.json", 1, 53, 98, "-Infinity is not a valid JSON number"),
    ("empty.json", 1, 1, 1, "the file is empty"),
    ("bad-utf8.json", 1, 6, 24, "invalid UTF-8"),
    ("alias-bomb.yaml", 1, 6, 4, "alias bomb"),
    ("python-tag.yaml", 1, 1, 18, "unsupported tag 'tag:yaml.org,2002:python/object/apply:os.system'"),
    ("malformed.yaml", 1, 3, 1, "invalid YAML"),
    ("deep-nesting.yaml", 1, 1, 203, "nesting is deeper than 200 levels"),
    ("deep-nesting.json", 1, 1, 201, "nesting is too deep"),  # where it passes 200 levels
    ("two-documents.yaml", 1, 2, 1, "expected a single document"),
    ("undefined-alias.yaml", 1, 2, 9, "undefined alias 'nowhere'"),
]


@pytest.mark.parametrize(("name", "code", "line", "column", "fragment"), CASES)
def test_parse_errors(runner, name: str, code: int, line: int | None, column: int | None, fragment: str) -> None:
    path = BAD / name
    before = hashlib.sha256(path.read_bytes()).hexdigest()
    started = time.perf_counter()
    exit_code, out, err = run_cli(runner, "check", "--format", "json", str(path))
    assert time.perf_counter() - started < 5  # the alias bomb is answered, not expanded
    assert exit_code == code and err == ""
    error = json.loads(out)["results"][0]["parseError"]
    assert fragment in error["message"]
    if line is not None:
        assert (error["line"], error["column"]) == (line, column)
    assert hashlib.sha256(path.read_bytes()).hexdigest() == before


def test_text_format_is_one_line_per_problem(runner) -> None:
    code, out, _ = run_cli(runner, "check", str(BAD / "duplicate-key.json"))
    assert code == 1
    assert out.splitlines()[0] == f'{BAD / "duplicate-key.json"}:44:57: error PARSE invalid JSON: duplicate key "email"'


def test_top_level_array_is_a_schema_error(runner) -> None:
    code, out, _ = run_cli(runner, "check", "--format", "json", str(BAD / "top-level-array.json"))
    errors = json.loads(out)["results"][0]["schemaErrors"]
    assert code == 1
    assert errors == [{"pointer": "", "message": "[1, 2, 3] is not of type 'object'", "line": 1, "column": 1}]


def test_every_schema_error_is_listed_with_position(runner) -> None:
    code, out, _ = run_cli(runner, "check", "--format", "json", str(BAD / "schema-errors.json"))
    result = json.loads(out)["results"][0]
    assert code == 1 and result["findings"] == []
    got = [(e["pointer"], e["line"], e["column"]) for e in result["schemaErrors"]]
    assert got == [("/subscriptions/0/startDate", 15, 20), ("/users/0/roles/0", 43, 67), ("/users/0/extra", 43, 85)]


def test_one_bad_file_does_not_hide_the_others(runner) -> None:
    code, out, _ = run_cli(runner, "check", "--format", "json", str(BAD), str(EXAMPLES / "acme-tenant.json"))
    results = json.loads(out)["results"]
    assert code == 1
    assert len(results) == len(list(BAD.iterdir())) + 1
    assert results[-1]["parseError"] is None and results[-1]["schemaErrors"] == []


def test_crlf_and_cr_line_endings_give_the_same_positions(runner, tmp_path: Path) -> None:
    text = (EXAMPLES / "violations-tenant.yaml").read_text()
    positions = []
    for name, ending in (("lf.yaml", "\n"), ("crlf.yaml", "\r\n"), ("cr.json", "\r")):
        path = tmp_path / name
        body = text if name.endswith("yaml") else json.dumps(json.loads((EXAMPLES / "acme-tenant.json").read_text()), indent=1)
        path.write_bytes(body.replace("\n", ending).encode())
        _, out, _ = run_cli(runner, "check", "--format", "json", "--fail-on", "info", str(path))
        positions.append([(f["line"], f["column"]) for f in json.loads(out)["results"][0]["findings"]])
    assert positions[0] == positions[1]
    assert positions[2] == [(77, 22)]


def test_columns_count_code_points(runner, tmp_path: Path) -> None:
    doc = json.loads((EXAMPLES / "acme-tenant.json").read_text())
    doc["users"][2] = {"displayName": "Zoë 😀 Agent", **doc["users"][2]}
    path = tmp_path / "u.json"
    path.write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
    _, out, _ = run_cli(runner, "check", "--format", "json", str(path))
    finding = json.loads(out)["results"][0]["findings"][0]
    text = path.read_text(encoding="utf-8")
    assert text.index("😀") < finding["column"] - 1
    assert text[finding["column"] - 1 :].startswith('"Sub-200"}')


def test_only_alias_expansion_counts_toward_the_bomb_limit(monkeypatch) -> None:
    from wxcc_policy.errors import InputError
    from wxcc_policy.inputs import yaml_reader as yamlsource

    monkeypatch.setattr(yamlsource, "MAX_EXPANDED_NODES", 100)
    plain = "items:\n" + "".join(f"  - [{i}, {i}, {i}]\n" for i in range(200))
    assert len(yamlsource.parse_yaml(plain)[0]["items"]) == 200
    aliased = "a: &a [1, 2, 3, 4, 5, 6, 7, 8, 9]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]\nc: [*b, *b]\n"
    with pytest.raises(InputError, match="alias bomb"):
        yamlsource.parse_yaml(aliased)
    recursive = "a: &a [1, *a]\n"
    with pytest.raises(InputError, match="refers to a value that contains it"):
        yamlsource.parse_yaml(recursive)

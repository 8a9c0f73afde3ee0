"""The schemas as published for editors (docs/editors.md): `wxcc-policy schema`, versioned
`$id`s, modelines, hover texts, built-in completion, and every example and test-data file
valid against its schema by an independent validator (python-jsonschema)."""

from __future__ import annotations

import fnmatch
import json
import re
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from conftest import ROOT, run_cli
from referencing import Registry, Resource

from wxcc_policy import __version__
from wxcc_policy.inputs.yaml_reader import parse_yaml
from wxcc_policy.validation.published import SCHEMA_HOME, published_names, schema_id

SCHEMAS = ROOT / "schemas"
MODELINE = re.compile(r"^# yaml-language-server: \$schema=(\S+)$")

# Every example and test-data file, by the schema it follows. tests/data/bad/ holds the
# deliberately invalid inputs, and tests/golden/*.gitlab.json another tool's format.
FILES_BY_SCHEMA = {
    "snapshot": ["examples/tenants/*.json", "examples/tenants/*.yaml", "examples/exports/*.json"],
    "change": ["examples/tenants/*.change.yaml"],
    "policy": ["policies/WXCC-*.yaml", "examples/custom-policies/*.yaml", "tests/data/forecast-policies/*.yaml"],
    "library": ["policies/snapshot-library.yaml"],
    "policy-test": ["tests/policies/*.test.yaml", "examples/custom-policies/tests/*.test.yaml"],
    "waivers": ["tests/data/waivers/waivers.yaml"],
    "baseline": ["tests/data/waivers/baseline.json"],
    "result": ["tests/golden/*.json.json", "tests/golden/*.yaml.json"],
}
INPUT_SCHEMAS = ["snapshot", "change", "policy", "library", "policy-test", "config", "waivers"]


def _schema(name: str) -> dict[str, Any]:
    schema: dict[str, Any] = json.loads((SCHEMAS / f"{name}.schema.json").read_text(encoding="utf-8"))
    return schema


def _validator(name: str) -> jsonschema.Draft202012Validator:
    """python-jsonschema, with the bundled schemas registered by $id (report refers to result)."""
    resources = [(_schema(n)["$id"], Resource.from_contents(_schema(n))) for n in published_names()]
    registry: Registry = Registry().with_resources(resources)
    return jsonschema.Draft202012Validator(_schema(name), registry=registry, format_checker=jsonschema.FormatChecker())


def _files(patterns: list[str]) -> list[Path]:
    found = {p for pattern in patterns for p in ROOT.glob(pattern)}
    return sorted(p for p in found if not p.name.endswith(".change.yaml") or "*.change" in "".join(patterns))


def _data(path: Path) -> Any:
    """JSON by the standard library; YAML as the tool reads it (YAML 1.2 scalars:
    `2026-01-01` stays a string, as the spec requires, where PyYAML's loader makes a date)."""
    text = path.read_text(encoding="utf-8")
    return json.loads(text) if path.suffix == ".json" else parse_yaml(text)[0]


CASES = [(name, path) for name, patterns in FILES_BY_SCHEMA.items() for path in _files(patterns)]


@pytest.mark.parametrize(("name", "path"), CASES, ids=[f"{n}:{p.relative_to(ROOT)}" for n, p in CASES])
def test_every_example_and_test_data_file_is_valid_against_its_published_schema(name: str, path: Path) -> None:
    if name == "snapshot" and path.name.endswith(".change.yaml"):
        pytest.skip("a change file, checked against the change schema")
    _validator(name).validate(_data(path))


def test_the_file_lists_cover_every_example() -> None:
    listed = {p for _, p in CASES}
    examples = {p for p in (ROOT / "examples").rglob("*") if p.suffix in (".json", ".yaml", ".yml")}
    assert examples <= listed, sorted(str(p) for p in examples - listed)
    assert all(len(_files(patterns)) > 0 for patterns in FILES_BY_SCHEMA.values())


def test_the_change_schema_takes_what_plan_takes_and_refuses_the_rest() -> None:
    check = _validator("change")
    assert check.is_valid([{"op": "remove", "path": "/users/0"}, {"op": "move", "from": "/users/0", "path": "/users/-"}])
    assert check.is_valid({"tenant": {"name": "x"}, "partners": None})
    for bad in ("a string", 3, [{"op": "frobnicate", "path": "/x"}], [{"op": "add", "path": "/x"}], [{"op": "copy", "path": "/x"}]):
        assert not check.is_valid(bad), bad


@pytest.mark.parametrize("name", published_names())
def test_ids_are_versioned_by_the_tool_version_and_laid_out_as_the_repository(name: str) -> None:
    assert _schema(name)["$id"] == schema_id(name) == f"{SCHEMA_HOME}/v{__version__}/schemas/{name}.schema.json"
    jsonschema.Draft202012Validator.check_schema(_schema(name))


def test_schema_prints_each_bundled_schema_byte_for_byte(runner) -> None:
    for name in published_names():
        code, out, err = run_cli(runner, "schema", name)
        assert (code, err) == (0, "")
        assert out == (SCHEMAS / f"{name}.schema.json").read_text(encoding="utf-8")


def test_schema_lists_the_names_and_refuses_an_unknown_one(runner) -> None:
    code, out, _ = run_cli(runner, "schema")
    assert code == 0 and [line.split()[0] for line in out.splitlines()] == published_names()
    assert {"snapshot", "change", "policy", "library", "policy-test", "config", "waivers"} <= set(published_names())
    code, _, err = run_cli(runner, "schema", "snapshots")
    assert code == 2 and "no schema named 'snapshots'; did you mean 'snapshot'?" in err


def test_schema_write_writes_them_all(runner, tmp_path: Path) -> None:
    code, out, err = run_cli(runner, "schema", "--write", str(tmp_path / "out"))
    assert (code, out, err) == (0, "", "")
    written = sorted(p.name for p in (tmp_path / "out").iterdir())
    assert written == sorted(p.name for p in SCHEMAS.glob("*.schema.json"))
    for path in (tmp_path / "out").iterdir():
        assert path.read_bytes() == (SCHEMAS / path.name).read_bytes()
    code, _, err = run_cli(runner, "schema", "snapshot", "--write", str(tmp_path))
    assert code == 2 and "not both" in err


def test_yaml_examples_carry_a_modeline_to_their_schema_that_resolves_in_a_clone() -> None:
    expected = {p: name for name, p in CASES if str(p.relative_to(ROOT)).startswith("examples/") and p.suffix == ".yaml"}
    assert expected
    for path, name in expected.items():
        first = path.read_text(encoding="utf-8").splitlines()[0]
        match = MODELINE.match(first)
        assert match, f"{path}: no modeline on the first line"
        assert (path.parent / match.group(1)).resolve() == SCHEMAS / f"{name}.schema.json", path


def _properties(schema: Any, path: str = "") -> list[tuple[str, Any]]:
    """Every (pointer, subschema) under a `properties` keyword (not in an `if`: a condition)."""
    found = []
    if isinstance(schema, dict):
        for key, value in schema.items():
            if key == "if":
                continue
            if key == "properties" and isinstance(value, dict):
                found += [(f"{path}/properties/{k}", v) for k, v in value.items()]
            found += _properties(value, f"{path}/{key}")
    elif isinstance(schema, list):
        for i, value in enumerate(schema):
            found += _properties(value, f"{path}/{i}")
    return found


@pytest.mark.parametrize("name", INPUT_SCHEMAS)
def test_every_field_a_user_writes_explains_itself_on_hover(name: str) -> None:
    schema = _schema(name)
    assert schema.get("description")
    undescribed = [where for where, sub in _properties(schema) if isinstance(sub, dict) and not sub.get("description")]
    assert not undescribed, f"{name}: fields without a description: {undescribed}"


def test_snapshot_examples_are_valid_values_of_their_fields() -> None:
    """An `examples` entry is what hover and completion show: it must be a valid value."""
    schema = _schema("snapshot")
    for where, sub in _properties(schema):
        for example in sub.get("examples", []):
            fragment = {"$defs": schema["$defs"], **sub}
            jsonschema.Draft202012Validator(fragment, format_checker=jsonschema.FormatChecker()).validate(example)
            assert where


def test_policy_schema_completes_exactly_the_built_in_functions() -> None:
    from wxcc_policy.lang.builtins import BUILTINS
    from wxcc_policy.lang.reference import refreshed_schema

    text = (SCHEMAS / "policy.schema.json").read_text(encoding="utf-8")
    assert refreshed_schema(text) == text, "run: python -m wxcc_policy.lang.reference schemas/policy.schema.json"
    definition = _schema("policy")["$defs"]["builtinFunction"]
    assert definition["enum"] == list(BUILTINS)
    assert len(definition["markdownEnumDescriptions"]) == len(BUILTINS)
    assert {"$ref": "#/$defs/builtinFunction"} in _schema("policy")["$defs"]["expression"]["anyOf"]


def test_a_snapshot_may_name_its_schema_and_the_tool_ignores_it(runner, tmp_path: Path) -> None:
    doc = json.loads((ROOT / "examples" / "tenants" / "acme-tenant.json").read_text())
    doc = {"$schema": "../schemas/snapshot.schema.json", **doc}
    (tmp_path / "t.json").write_text(json.dumps(doc, indent=2))
    plain = run_cli(runner, "check", "--format", "json", str(ROOT / "examples" / "tenants" / "acme-tenant.json"))
    named = run_cli(runner, "check", "--format", "json", str(tmp_path / "t.json"))
    assert named[0] == plain[0] == 0
    assert [f["key"] for f in json.loads(named[1])["results"][0]["findings"]] == [
        f["key"] for f in json.loads(plain[1])["results"][0]["findings"]
    ]


CATALOG = ROOT / "docs" / "schemastore-catalog.json"
SAMPLE_NAMES = {
    "snapshot": ["tenants/acme.wxcc.json", "acme.wxcc.yaml"],
    "change": ["tenants/acme.wxcc.change.json", "acme.wxcc.change.yaml"],
    "policy": ["policies/ACME-ROLE-001.wxcc.policy.yaml"],
    "library": ["policies/acme.wxcc.library.yaml"],
    "policy-test": ["tests/acme.wxcc.test.yaml"],
    "config": [".wxcc-policy.yaml", "sub/.wxcc-policy.yml"],
    "waivers": ["risk/accepted.wxcc.waivers.yaml"],
    "baseline": [".wxcc-baseline.json"],
}


def test_the_schemastore_catalog_entry_names_each_input_schema_with_its_file_names() -> None:
    entries = json.loads(CATALOG.read_text(encoding="utf-8"))["schemas"]
    assert all(set(e) == {"name", "description", "fileMatch", "url"} for e in entries)
    by_url = {e["url"]: e for e in entries}
    for name, samples in SAMPLE_NAMES.items():
        entry = by_url[schema_id(name)]
        for sample in samples:
            base = sample.rsplit("/", 1)[-1]
            matching = [e["url"] for e in entries if any(fnmatch.fnmatchcase(base, g) for g in e["fileMatch"])]
            assert matching == [entry["url"]], (sample, matching)  # exactly one schema per file name

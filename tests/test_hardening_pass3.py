"""Issue 17, the third hardening pass: outputs never land on the tool's own files or on any
file the run read, every output target is checked before the first is written, and
inputs that are the problem are reported as input problems.

Each test failed before its fix (docs/hardening.md lists the rules they check).
"""

from __future__ import annotations

import json
import os
import re
from importlib import resources
from pathlib import Path
from typing import Any

import pytest
from conftest import EXAMPLES, ROOT, minimal_snapshot, run_cli

ACME = EXAMPLES / "acme-tenant.json"
EMAIL_POLICY = ROOT / "examples" / "custom-policies" / "ACME-EMAIL-001.yaml"


def _one_line_error(err: str) -> None:
    assert err.count("\n") == 1 and err.startswith("wxcc-policy: error: "), err
    assert "internal error" not in err and "Traceback" not in err


def _bundled(package: str, name: str) -> Path:
    return Path(str(resources.files(package).joinpath(name)))


def _tenant(tmp_path: Path, name: str = "tenant.json") -> Path:
    path = tmp_path / name
    path.write_text(json.dumps(minimal_snapshot(), indent=2))
    return path


# Items 3 and 4: never over the tool's own files, never over any file the run read

BUNDLED = [
    ("wxcc_policy.schemas", "snapshot.schema.json"),
    ("wxcc_policy.schemas", "report.schema.json"),
    ("wxcc_policy.policies", "WXCC-ACC-001.yaml"),
    ("wxcc_policy.reporters.portfolio", "templates/report.html.j2"),
]


@pytest.mark.parametrize(("package", "name"), BUNDLED)
def test_an_output_over_a_bundled_file_is_refused(runner, package: str, name: str) -> None:
    bundled = _bundled(package, name)
    before = bundled.read_bytes()
    code, out, err = run_cli(runner, "check", "--format", "json", "-o", str(bundled), str(ACME))
    assert code == 2 and out == ""
    _one_line_error(err)
    assert "the tool's own files" in err and bundled.read_bytes() == before
    assert run_cli(runner, "check", str(ACME))[0] == 0  # the next run still works


def test_a_new_file_among_the_bundled_ones_is_refused(runner) -> None:
    target = _bundled("wxcc_policy.schemas", "extra.schema.json")
    code, _, err = run_cli(runner, "check", "--format", "json", "-o", str(target), str(ACME))
    assert code == 2 and "the tool's own files" in err and not target.exists()


def test_a_hard_link_to_a_bundled_file_is_refused(runner, tmp_path: Path) -> None:
    bundled = _bundled("wxcc_policy.schemas", "snapshot.schema.json")
    link = tmp_path / "looks-harmless.json"
    try:
        os.link(bundled, link)
    except OSError:
        pytest.skip("the bundled files are on another file system than the temporary directory")
    before = bundled.read_bytes()
    code, _, err = run_cli(runner, "check", "-o", str(link), str(ACME))
    assert code == 2 and "one of the tool's own files" in err and bundled.read_bytes() == before


@pytest.mark.parametrize("victim", ["policy", "configuration"])
def test_plan_write_after_never_overwrites_a_policy_or_the_configuration(runner, tmp_path: Path, victim: str) -> None:
    pack = tmp_path / "pack"
    pack.mkdir()
    policy = pack / EMAIL_POLICY.name
    policy.write_bytes(EMAIL_POLICY.read_bytes())
    config = tmp_path / "config.yaml"
    config.write_text("policyDirs: [pack]\n")
    change = tmp_path / "change.json"
    change.write_text("[]")
    target = policy if victim == "policy" else config
    before = target.read_bytes()
    code, _, err = run_cli(runner, "plan", "--config", str(config), str(_tenant(tmp_path)), str(change), "--write-after", str(target))
    assert code == 2 and "which this run reads" in err, err
    assert target.read_bytes() == before


def test_check_output_never_overwrites_a_waiver_or_baseline_file(runner, tmp_path: Path) -> None:
    waivers = tmp_path / "w.yaml"
    waivers.write_text("waivers: []\n")
    baseline = tmp_path / "b.json"
    assert run_cli(runner, "baseline", "-o", str(baseline), str(ACME))[0] == 0
    for option, path in (("--waivers", waivers), ("--baseline", baseline)):
        before = path.read_bytes()
        code, _, err = run_cli(runner, "check", option, str(path), "-o", str(path), str(ACME))
        assert code == 2 and "which this run reads" in err and path.read_bytes() == before, err


# Item 11: every output target is checked before any is written


def test_a_refused_extra_report_leaves_the_main_output_unwritten(runner, tmp_path: Path) -> None:
    late = _tenant(tmp_path, "late.json")
    before = late.read_bytes()
    main_report = tmp_path / "late-report.txt"
    code, _, err = run_cli(runner, "check", str(late), "-o", str(main_report), "--report", f"json={late}")
    assert code == 2 and "which this run reads" in err
    assert not main_report.exists() and late.read_bytes() == before


def test_a_refused_configured_report_leaves_the_main_output_unwritten(runner, tmp_path: Path) -> None:
    late = _tenant(tmp_path, "late.json")
    config = tmp_path / "config.yaml"
    config.write_text("reports:\n  json: late.json\n")
    main_report = tmp_path / "late-report.txt"
    code, _, err = run_cli(runner, "check", "--config", str(config), str(late), "-o", str(main_report))
    assert code == 2 and "which this run reads" in err
    assert not main_report.exists() and json.loads(late.read_text()) == minimal_snapshot()


def test_plan_refusing_its_output_leaves_write_after_unwritten(runner, tmp_path: Path) -> None:
    change = tmp_path / "change.json"
    change.write_text("[]")
    after = tmp_path / "after.json"
    code, _, err = run_cli(runner, "plan", str(_tenant(tmp_path)), str(change), "--write-after", str(after), "-o", str(change))
    assert code == 2 and "which this run reads" in err
    assert not after.exists() and change.read_text() == "[]"


# Item 12: an empty output name is refused


@pytest.mark.parametrize("args", [["plan", "--write-after", ""], ["check", "-o", ""]])
def test_an_empty_output_name_is_refused(runner, tmp_path: Path, args: list[str]) -> None:
    change = tmp_path / "change.json"
    change.write_text("[]")
    paths = [str(_tenant(tmp_path))] + ([str(change)] if args[0] == "plan" else [])
    code, out, err = run_cli(runner, args[0], *paths, *args[1:])
    assert code == 2 and out == ""
    _one_line_error(err)
    assert f"{args[1]} needs a file name" in err


# Item 7: extreme values are input problems (exit 1, at the value), never policy errors


def _extreme(name: str) -> dict[str, Any]:
    doc = minimal_snapshot()
    if name == "quantity":
        doc["usage"][0]["quantity"] = 1.7e308
    elif name == "period":
        doc["usage"][0]["period"] = "0000-10"
    elif name == "captured":
        doc["capturedAt"] = "9999-12-31T00:00:00Z"
    elif name == "end-date":
        doc["subscriptions"][0]["endDate"] = "9999-12-31"
    elif name == "entitlement":
        doc["subscriptions"][0]["entitlements"]["standardAgent"] = 10**400
    return doc


@pytest.mark.parametrize(
    ("name", "pointer", "fragment"),
    [
        ("quantity", "/usage/0/quantity", "greater than the maximum of 1000000000000000"),
        ("period", "/usage/0/period", "not a valid period (YYYY-MM) in the years 0001 to 9000"),
        ("captured", "/capturedAt", "not a valid date-time (RFC 3339) in the years 0001 to 9000"),
        ("end-date", "/subscriptions/0/endDate", "not a valid date (YYYY-MM-DD) in the years 0001 to 9000"),
        ("entitlement", "/subscriptions/0/entitlements/standardAgent", "greater than the maximum of 1000000000000000"),
    ],
)
def test_an_extreme_value_is_a_schema_error_at_the_value(runner, tmp_path: Path, name: str, pointer: str, fragment: str) -> None:
    """Before issue 17 each of these was `EVAL policy WXCC-...` at 1:1, exit 2."""
    path = tmp_path / f"{name}.json"
    path.write_text(json.dumps(_extreme(name), indent=2))
    code, out, err = run_cli(runner, "check", "--format", "json", str(path))
    assert code == 1 and err == ""
    result = json.loads(out)["results"][0]
    assert result["evalError"] is None
    errors = {e["pointer"]: e for e in result["schemaErrors"]}
    assert fragment in errors[pointer]["message"] and errors[pointer]["line"] > 1, errors


# Item 8: every configuration error is located


@pytest.mark.parametrize(
    ("text", "where", "fragment"),
    [
        ("select:\n  - WXCC-ACC-001\n  - NOPE-1\n", "3:5", "unknown policy id 'NOPE-1'"),
        ("skip: [WXCC-ACC-01]\n", "1:8", "unknown policy id 'WXCC-ACC-01'; did you mean 'WXCC-ACC-001'?"),
        ("policyDirs:\n  - missing-dir\n", "2:5", "policy directory not found: "),
    ],
)
def test_a_configuration_error_is_located_in_the_configuration(runner, tmp_path: Path, text: str, where: str, fragment: str) -> None:
    config = tmp_path / "config.yaml"
    config.write_text(text)
    for command in ("check", "policies"):
        code, out, err = run_cli(runner, command, "--config", str(config), *([str(ACME)] if command == "check" else []))
        assert code == 2 and out == ""
        _one_line_error(err)
        assert err.startswith(f"wxcc-policy: error: {config}:{where}: ") and fragment in err, err


# Item 6 (and 12): malformed `report --merge` parts are one-line errors in words


@pytest.fixture
def part(runner, tmp_path: Path) -> dict[str, Any]:
    path = tmp_path / "part.json"
    code, _, err = run_cli(runner, "report", "--format", "json", "-o", str(path), str(ACME))
    assert code == 0, err
    return dict(json.loads(path.read_text()))


def _merge(runner, tmp_path: Path, text: str) -> str:
    path = tmp_path / "bad-part.json"
    path.write_text(text)
    code, out, err = run_cli(runner, "report", "--merge", str(path), "-o", str(tmp_path / "merged.html"))
    assert code == 2 and out == "" and not (tmp_path / "merged.html").exists()
    _one_line_error(err)
    assert re.search(re.escape(str(path)) + r":\d+:\d+: not a JSON report", err)
    assert not any(w in err for w in ("KeyError", "RecursionError", "TypeError", "Traceback"))
    return err


def test_a_part_finding_without_severity_breaks_the_report_schema(runner, tmp_path: Path, part: dict[str, Any]) -> None:
    """Was `KeyError: 'severity'` (issue 17)."""
    result = next(r for r in part["results"] if r["findings"])
    del result["findings"][0]["severity"]
    err = _merge(runner, tmp_path, json.dumps(part))
    assert "missing required property 'severity' (at /results/0/findings/0)" in err


def test_a_part_of_the_wrong_shape_breaks_the_report_schema(runner, tmp_path: Path, part: dict[str, Any]) -> None:
    part["summary"] = ["not", "a", "summary"]
    assert "(at /summary)" in _merge(runner, tmp_path, json.dumps(part))


def test_a_part_nested_thousands_of_levels_is_refused_before_decoding(runner, tmp_path: Path, part: dict[str, Any]) -> None:
    """Was `RecursionError` inside the JSON decoder at about 5,000 levels (issue 17)."""
    text = json.dumps(part).replace('"portfolio": {', '"deep": ' + "[" * 5000 + "]" * 5000 + ', "portfolio": {', 1)
    assert "nesting deeper than 200 levels (5,001)" in _merge(runner, tmp_path, text)


def test_the_nesting_scan_ignores_brackets_in_strings() -> None:
    from wxcc_policy.inputs.nesting import json_nesting

    assert json_nesting('[["[[[", {"a": [1]}]]') == 4
    assert json_nesting('{"a]": {"b": "}\\\\"}, "c": "\\"[["}') == 2
    assert json_nesting("1") == 0 and json_nesting("[" * 5000) == 5000


# Item 12: a `.json` waiver (or configuration-like) file's parse error is said in JSON's words


@pytest.mark.parametrize(
    ("text", "where", "fragment"),
    [
        ('{"waivers": [{"policy": "P",]}\n', "1:29", "invalid JSON: Expecting property name enclosed in double quotes"),
        ('{"waivers": [{"a": 1, "a": 2}]}\n', "1:23", 'invalid JSON: duplicate key "a"'),
    ],
)
def test_a_json_waiver_file_parse_error_says_json(runner, tmp_path: Path, text: str, where: str, fragment: str) -> None:
    path = tmp_path / "waivers.json"
    path.write_text(text)
    code, out, err = run_cli(runner, "check", "--waivers", str(path), str(ACME))
    assert code == 2 and out == ""
    _one_line_error(err)
    assert err.startswith(f"wxcc-policy: error: {path}:{where}: {fragment}"), err

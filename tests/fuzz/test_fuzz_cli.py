"""Property-based fuzzing of the CLI (issue 12 §7): snapshots (mutated and drawn from the
snapshot schema), policy expressions, configurations, policy test files and change files.

Each property runs bounded and derandomized in CI (marked slow: `pytest -m "not slow"`
skips it in the inner loop), and again as a long random soak with `pytest -m fuzz tests/fuzz`
(WXCC_FUZZ_SCALE times as many examples, default 20). The invariants are in fuzzing.py.
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

import pytest
import yaml
from conftest import EXAMPLES, ROOT
from fuzzing import HOSTILE_TEXT, HOSTILE_VALUES, ONCE, REMOVE, bounded, paths_of, replaced, run_main, sane_run
from hypothesis import given
from hypothesis import strategies as st

from wxcc_policy.inputs.yaml_reader import parse_yaml

pytestmark = pytest.mark.slow  # seconds each: `pytest -m "not slow"` leaves them out, CI runs them

ACME = EXAMPLES / "acme-tenant.json"
VIOLATIONS = EXAMPLES / "violations-tenant.yaml"
CUSTOM = ROOT / "examples" / "custom-policies"
EMAIL_POLICY = (CUSTOM / "ACME-EMAIL-001.yaml").read_text()
BASE_DOCS = [json.loads(ACME.read_text()), parse_yaml(VIOLATIONS.read_text())[0]]  # YAML 1.2: dates stay strings

# The number of inputs each property runs in CI: 490 in all, each run twice (the second run
# must give the same bytes), snapshots in two formats: 1,220 runs of main() (docs/hardening.md).
EXAMPLES_PER_PROPERTY = {
    "mutated snapshots": 120,
    "schema-drawn snapshots": 40,
    "policy expressions": 100,
    "configurations": 50,
    "policy test files": 50,
    "change files (plan)": 40,
    "baselines": 30,
    "waiver files": 30,
    "merge parts": 30,
}


def _check_options() -> set[str]:
    from wxcc_policy.commands.check import check

    return {name for param in check.params for name in param.opts}


@pytest.fixture
def soak(request: pytest.FixtureRequest) -> None:
    if "fuzz" not in (request.config.option.markexpr or ""):
        pytest.skip("the soak runs with `pytest -m fuzz tests/fuzz`")


def _workdir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("fuzz")


# --- mutations ------------------------------------------------------------------------


@st.composite
def structural(draw: st.DrawFn, doc: Any) -> Any:
    """Replace, remove or re-type a few values of a document."""
    for _ in range(draw(st.integers(0, 3))):
        paths = paths_of(doc)
        if not paths:
            break
        path = draw(st.sampled_from(paths))
        value = draw(st.sampled_from([REMOVE, *HOSTILE_VALUES]))
        doc = replaced(doc, path, value)
    return doc


@st.composite
def byte_mutations(draw: st.DrawFn, text: str) -> str:
    """Delete, insert hostile text at, or duplicate a few ranges of a document's text."""
    for _ in range(draw(st.integers(0, 3))):
        if not text:
            break
        i = draw(st.integers(0, len(text)))
        kind = draw(st.sampled_from(["insert", "delete", "duplicate", "truncate"]))
        if kind == "insert":
            text = text[:i] + draw(st.sampled_from(HOSTILE_TEXT) | st.text(max_size=8)) + text[i:]
        elif kind == "delete":
            text = text[:i] + text[i + draw(st.integers(1, 40)) :]
        elif kind == "duplicate":
            j = min(len(text), i + draw(st.integers(1, 200)))
            text = text[:j] + text[i:j] + text[j:]
        else:
            text = text[:i]
    return text


def _serialise(draw: st.DrawFn, doc: Any) -> tuple[str, str]:
    """The document as JSON (in one of several layouts) or YAML, and the file suffix."""
    style = draw(st.sampled_from(["json2", "json1", "compact", "yaml", "yaml-flow"]))
    if style == "yaml":
        return yaml.safe_dump(doc, sort_keys=False, allow_unicode=True), ".yaml"
    if style == "yaml-flow":
        return yaml.safe_dump(doc, default_flow_style=True, allow_unicode=True), ".yml"
    indent = {"json2": 2, "json1": 1, "compact": None}[style]
    return json.dumps(doc, indent=indent, ensure_ascii=draw(st.booleans())), ".json"


@st.composite
def mutated_snapshot(draw: st.DrawFn) -> tuple[bytes, str]:
    doc = draw(structural(draw(st.sampled_from(BASE_DOCS))))
    text, suffix = _serialise(draw, doc)
    text = draw(byte_mutations(text))
    raw = text.encode("utf-8", "surrogatepass")
    if draw(st.integers(0, 9)) == 0:  # sometimes bytes that are not UTF-8 at all
        i = draw(st.integers(0, len(raw)))
        raw = raw[:i] + draw(st.sampled_from([b"\xff", b"\xc3", b"\xed\xa0\x80", b"\x00"])) + raw[i:]
    return raw, suffix


def _check_snapshot(directory: Path, raw: bytes, suffix: str) -> None:
    """With the built-in policies, a snapshot's problem is never exit 2 (issue 17: extreme
    values are schema errors, not policy errors); the text report goes to a file."""
    path, report = directory / f"tenant{suffix}", directory / "report.txt"
    path.write_bytes(raw)
    if not ONCE or len(raw) % 2:  # a soak run once per input takes one of the two
        sane_run(["check", "--format", "json", "--fail-on", "info", str(path)], [path], input_problem=True)
    if not ONCE or not len(raw) % 2:
        sane_run(["check", "--format", "text", "-o", str(report), str(path)], [path], input_problem=True, outputs=[report])


# --- snapshots ------------------------------------------------------------------------


def test_mutated_snapshots(tmp_path_factory: pytest.TempPathFactory) -> None:
    directory = _workdir(tmp_path_factory)

    @bounded(EXAMPLES_PER_PROPERTY["mutated snapshots"])
    @given(mutated_snapshot())
    def prop(case: tuple[bytes, str]) -> None:
        _check_snapshot(directory, *case)

    prop()


@pytest.mark.fuzz
def test_mutated_snapshots_soak(soak: None, tmp_path_factory: pytest.TempPathFactory) -> None:
    directory = _workdir(tmp_path_factory)

    @bounded(EXAMPLES_PER_PROPERTY["mutated snapshots"], soak=True)
    @given(mutated_snapshot())
    def prop(case: tuple[bytes, str]) -> None:
        _check_snapshot(directory, *case)

    prop()


def _schema_strategy() -> Any:
    from hypothesis_jsonschema import from_schema

    schema = json.loads((ROOT / "schemas" / "snapshot.schema.json").read_text())
    return from_schema(schema)


def _check_drawn(directory: Path, doc: Any) -> None:
    path = directory / "drawn.json"
    path.write_text(json.dumps(doc, indent=2), encoding="utf-8")
    _, out, _ = sane_run(["check", "--format", "json", "--fail-on", "info", str(path)], [path], input_problem=True)
    result = json.loads(out)["results"][0]
    assert result["parseError"] is None  # schema-valid JSON always parses


def test_schema_drawn_snapshots(tmp_path_factory: pytest.TempPathFactory) -> None:
    directory = _workdir(tmp_path_factory)

    @bounded(EXAMPLES_PER_PROPERTY["schema-drawn snapshots"])
    @given(_schema_strategy())
    def prop(doc: Any) -> None:
        _check_drawn(directory, doc)

    prop()


@pytest.mark.fuzz
def test_schema_drawn_snapshots_soak(soak: None, tmp_path_factory: pytest.TempPathFactory) -> None:
    directory = _workdir(tmp_path_factory)

    @bounded(EXAMPLES_PER_PROPERTY["schema-drawn snapshots"], soak=True)
    @given(_schema_strategy())
    def prop(doc: Any) -> None:
        _check_drawn(directory, doc)

    prop()


# --- policy expressions ---------------------------------------------------------------

_NAMES = [
    "user",
    "user.id",
    "user.email",
    "user.roles",
    "users",
    "subscriptions",
    "asOf",
    "params.allowedDomains",
    "domain",
    "document",
    "x",
]
_FUNCTIONS = [
    "count",
    "sum",
    "abs",
    "split",
    "set",
    "distinct",
    "addDays",
    "matches",
    "lower",
    "join",
    "slice",
    "index",
    "countBy",
    "max",
    "first",
    "date",
]
_LITERALS = [
    "0",
    "1",
    "-1",
    "2.5",
    "'a'",
    "''",
    "'(a+)+$'",
    "null",
    "true",
    "[]",
    "[1, 2]",
    "{}",
    "'2026-02-30'",
    "'9999-12-31'",
    "3000000",
    "9" * 40,
]
_OPERATORS = ["+", "-", "*", "/", "%", "==", "!=", "<", ">=", "and", "or", "in", "??"]


def expressions() -> Any:
    leaf = st.sampled_from(_NAMES + _LITERALS)

    def extend(inner: Any) -> Any:
        binary = st.tuples(inner, st.sampled_from(_OPERATORS), inner).map(lambda t: f"({t[0]} {t[1]} {t[2]})")
        call = st.tuples(st.sampled_from(_FUNCTIONS), st.lists(inner, max_size=3)).map(lambda t: f"{t[0]}({', '.join(t[1])})")
        other = inner.map(lambda e: f"not {e}") | inner.map(lambda e: f"[{e}]") | inner.map(lambda e: f"{e}.id")
        return binary | call | other

    tree = st.recursive(leaf, extend, max_leaves=8)
    junk = st.text(alphabet="()[]{}.,'\"!?:|&<>=+-*/ abc019\\\n", max_size=12)
    return tree | st.tuples(tree, junk).map("".join)


def _check_expression(directory: Path, expression: str) -> None:
    pack = directory / "pack"
    pack.mkdir(exist_ok=True)
    policy = pack / "FUZZ-001.yaml"
    text = EMAIL_POLICY.replace("id: ACME-EMAIL-001", "id: FUZZ-001")
    text = text.replace('assert: "user.email != null and domain in params.allowedDomains"', f"assert: {json.dumps(expression)}")
    policy.write_text(text, encoding="utf-8")
    sane_run(["check", "--format", "json", "--select", "FUZZ-001", "--policy-dir", str(pack), str(ACME)], [policy])


def test_policy_expressions(tmp_path_factory: pytest.TempPathFactory) -> None:
    directory = _workdir(tmp_path_factory)

    @bounded(EXAMPLES_PER_PROPERTY["policy expressions"])
    @given(expressions())
    def prop(expression: str) -> None:
        _check_expression(directory, expression)

    prop()


@pytest.mark.fuzz
def test_policy_expressions_soak(soak: None, tmp_path_factory: pytest.TempPathFactory) -> None:
    directory = _workdir(tmp_path_factory)

    @bounded(EXAMPLES_PER_PROPERTY["policy expressions"], soak=True)
    @given(expressions())
    def prop(expression: str) -> None:
        _check_expression(directory, expression)

    prop()


# --- configurations -------------------------------------------------------------------

_STAR_WAIVER = {"policy": "WXCC-ACC-002", "pointer": "/" + "*" * 40, "reason": "r", "owner": "o"}
_STAR_WAIVER.update(granted="2026-11-01", expires="2026-12-01")
_CONFIG_VALUES = st.sampled_from(
    [
        *HOSTILE_VALUES,
        "text",
        "json",
        "warning",
        ["WXCC-ACC-001"],
        ["NOPE-1"],
        ["."],
        ["/nonexistent"],
        {"expiryWarningDays": 1.0},
        {"expiryWarningDays": 3000000},
        {"allowedDomains": []},
        {"steps": 1},
        {"steps": 1000, "collectionSize": 2},
        {"stepsPerElement": 0, "secondsPerElement": 0},
        ["missing-dir"],
        ["WXCC-ACC-001", "NOPE-1"],
        {"json": "config-report.json"},
        {"sarif": "acme-tenant.json"},
        {"json": ""},
        [_STAR_WAIVER],
    ]
)
_CONFIG_KEYS = st.sampled_from(
    ["parameters", "format", "failOn", "policyDirs", "select", "skip", "limits", "waivers", "reports", "unknownKey"]
)


@st.composite
def configurations(draw: st.DrawFn) -> str:
    config = draw(st.dictionaries(_CONFIG_KEYS, _CONFIG_VALUES, max_size=4))
    return draw(byte_mutations(yaml.safe_dump(config, allow_unicode=True)))


def _check_config(directory: Path, text: str) -> None:
    """`reports:` may name an input (refused, nothing written) or a new file (written whole)."""
    config = directory / "config.yaml"
    config.write_bytes(text.encode("utf-8", "surrogatepass"))
    report, main_report = directory / "config-report.json", directory / "main.txt"
    args = ["check", "--config", str(config), "-o", str(main_report), str(ACME)]
    sane_run(args, [config, ACME], outputs=[report, main_report])


def test_configurations(tmp_path_factory: pytest.TempPathFactory) -> None:
    directory = _workdir(tmp_path_factory)

    @bounded(EXAMPLES_PER_PROPERTY["configurations"])
    @given(configurations())
    def prop(text: str) -> None:
        _check_config(directory, text)

    prop()


@pytest.mark.fuzz
def test_configurations_soak(soak: None, tmp_path_factory: pytest.TempPathFactory) -> None:
    directory = _workdir(tmp_path_factory)

    @bounded(EXAMPLES_PER_PROPERTY["configurations"], soak=True)
    @given(configurations())
    def prop(text: str) -> None:
        _check_config(directory, text)

    prop()


# --- policy test files ----------------------------------------------------------------

_TEST_FILE = parse_yaml((CUSTOM / "tests" / "custom.test.yaml").read_text().replace("../../tenants/acme-tenant.json", str(ACME)))[0]


@st.composite
def policy_test_files(draw: st.DrawFn) -> str:
    doc = draw(structural(_TEST_FILE))
    return draw(byte_mutations(yaml.safe_dump(doc, sort_keys=False, allow_unicode=True)))


def _check_test_file(directory: Path, text: str) -> None:
    path = directory / "fuzz.test.yaml"
    path.write_bytes(text.encode("utf-8", "surrogatepass"))
    sane_run(["test", "--format", "json", "--policy-dir", str(CUSTOM), str(path)], [path])


def test_policy_test_files(tmp_path_factory: pytest.TempPathFactory) -> None:
    directory = _workdir(tmp_path_factory)

    @bounded(EXAMPLES_PER_PROPERTY["policy test files"])
    @given(policy_test_files())
    def prop(text: str) -> None:
        _check_test_file(directory, text)

    prop()


@pytest.mark.fuzz
def test_policy_test_files_soak(soak: None, tmp_path_factory: pytest.TempPathFactory) -> None:
    directory = _workdir(tmp_path_factory)

    @bounded(EXAMPLES_PER_PROPERTY["policy test files"], soak=True)
    @given(policy_test_files())
    def prop(text: str) -> None:
        _check_test_file(directory, text)

    prop()


# --- change files (`plan`) ------------------------------------------------------------

_POINTERS = [
    "/users/0/subscriptionId",
    "/users/-",
    "/subscriptions/0/endDate",
    "/tenant/id",
    "/capturedAt",
    "/nope/0",
    "",
    "/users/99",
    "/~2",
    "/users",
    "/subscriptions",
]


def _doubling(copies: int) -> list[dict[str, str]]:
    """A patch that copies a list into itself: it doubles the document each time (issue 17)."""
    return [{"op": "copy", "from": "/users", "path": "/users/-"} for _ in range(copies)]


@st.composite
def change_files(draw: st.DrawFn) -> tuple[str, str]:
    """A JSON Patch or a merge patch, as JSON or YAML, sometimes mangled."""
    if draw(st.booleans()):
        ops = st.fixed_dictionaries(
            {"op": st.sampled_from(["add", "remove", "replace", "move", "copy", "test", "bogus"]), "path": st.sampled_from(_POINTERS)},
            optional={"value": st.sampled_from(HOSTILE_VALUES), "from": st.sampled_from(_POINTERS)},
        )
        change: Any = draw(st.lists(ops, max_size=4) | st.integers(1, 40).map(_doubling))
    else:
        change = draw(structural({"tenant": {"name": "x"}, "users": BASE_DOCS[0]["users"][:1]}))
    if draw(st.booleans()):
        return draw(byte_mutations(json.dumps(change, indent=2))), ".json"
    return draw(byte_mutations(yaml.safe_dump(change, allow_unicode=True))), ".yaml"


def _check_change(directory: Path, change: tuple[str, str]) -> None:
    """A change's problem is exit 1 (a located CHANGE line); exit 2 only for a change to
    another tenant, which `plan` refuses by design (docs/change.md)."""
    text, suffix = change
    path, after = directory / f"change{suffix}", directory / "after.json"
    path.write_bytes(text.encode("utf-8", "surrogatepass"))
    code, _, err = sane_run(["plan", "--format", "json", "--write-after", str(after), str(ACME), str(path)], [path, ACME], outputs=[after])
    assert code != 2 or "of different tenants" in err, err


@pytest.mark.skipif(not (ROOT / "engine" / "commands" / "plan.py").exists(), reason="no `plan` command")
def test_change_files(tmp_path_factory: pytest.TempPathFactory) -> None:
    directory = _workdir(tmp_path_factory)

    @bounded(EXAMPLES_PER_PROPERTY["change files (plan)"])
    @given(change_files())
    def prop(change: tuple[str, str]) -> None:
        _check_change(directory, change)

    prop()


@pytest.mark.fuzz
def test_change_files_soak(soak: None, tmp_path_factory: pytest.TempPathFactory) -> None:
    directory = _workdir(tmp_path_factory)

    @bounded(EXAMPLES_PER_PROPERTY["change files (plan)"], soak=True)
    @given(change_files())
    def prop(change: tuple[str, str]) -> None:
        _check_change(directory, change)

    prop()


# --- baselines and waiver files (`check --baseline`, `check --waivers`) ---------------

_BASELINE = {
    "version": "1",
    "findings": [
        {
            "key": "WXCC-ACC-002:org-acme-7f3a:users/u-agent-2",
            "policy": "WXCC-ACC-002",
            "tenant": "org-acme-7f3a",
            "pointer": "/users/2/subscriptionId",
            "message": "sha256:0123456789abcdef",
        }
    ],
}
_WAIVERS = {
    "waivers": [
        {
            "key": "WXCC-ACC-002:org-acme-7f3a:users/u-agent-2",
            "reason": "moving",
            "owner": "a@example.com",
            "granted": "2026-11-01",
            "expires": "2026-11-30",
        },
        {
            "policy": "WXCC-SUB-003",
            "tenant": "org-acme-7f3a",
            "pointer": "/subscriptions/*",
            "reason": "r",
            "owner": "o",
            "granted": "2026-11-01",
            "expires": "2026-12-01",
        },
    ]
}


# Waiver pointers that once hung the run (a backtracking glob), or are past the bound.
_POINTER_GLOBS = ["/" + "*" * 30, "/" + "*" * 30 + "x", "/**" * 60, "/" + "?*" * 100, "/" + "*" * 1100, "/users/*/subscriptionId"]


@st.composite
def side_files(draw: st.DrawFn, base: Any) -> tuple[str, str]:
    doc = draw(structural(base))
    if "waivers" in base and draw(st.booleans()):
        doc = replaced(doc, ("waivers", 1, "pointer"), draw(st.sampled_from(_POINTER_GLOBS))) if _has_second_waiver(doc) else doc
    if draw(st.booleans()):
        return draw(byte_mutations(json.dumps(doc, indent=2))), ".json"
    return draw(byte_mutations(yaml.safe_dump(doc, sort_keys=False, allow_unicode=True))), ".yaml"


def _has_second_waiver(doc: Any) -> bool:
    waivers = doc.get("waivers") if isinstance(doc, dict) else None
    return isinstance(waivers, list) and len(waivers) > 1 and isinstance(waivers[1], dict)


def _check_side_file(directory: Path, option: str, case: tuple[str, str]) -> None:
    text, suffix = case
    path = directory / f"side{suffix}"
    path.write_bytes(text.encode("utf-8", "surrogatepass"))
    sane_run(["check", "--format", "json", option, str(path), str(ACME)], [path])


@pytest.mark.skipif("--baseline" not in _check_options(), reason="no `check --baseline`")
def test_baselines(tmp_path_factory: pytest.TempPathFactory) -> None:
    directory = _workdir(tmp_path_factory)

    @bounded(EXAMPLES_PER_PROPERTY["baselines"])
    @given(side_files(_BASELINE))
    def prop(case: tuple[str, str]) -> None:
        _check_side_file(directory, "--baseline", case)

    prop()


@pytest.mark.skipif("--waivers" not in _check_options(), reason="no `check --waivers`")
def test_waiver_files(tmp_path_factory: pytest.TempPathFactory) -> None:
    directory = _workdir(tmp_path_factory)

    @bounded(EXAMPLES_PER_PROPERTY["waiver files"])
    @given(side_files(_WAIVERS))
    def prop(case: tuple[str, str]) -> None:
        _check_side_file(directory, "--waivers", case)

    prop()


@pytest.mark.fuzz
@pytest.mark.parametrize(("option", "base"), [("--baseline", _BASELINE), ("--waivers", _WAIVERS)])
def test_baselines_and_waivers_soak(soak: None, tmp_path_factory: pytest.TempPathFactory, option: str, base: Any) -> None:
    directory = _workdir(tmp_path_factory)

    @bounded(EXAMPLES_PER_PROPERTY["baselines"], soak=True)
    @given(side_files(base))
    def prop(case: tuple[str, str]) -> None:
        _check_side_file(directory, option, case)

    prop()


# --- parts of `report --merge` --------------------------------------------------------


@cache
def _part() -> Any:
    """The JSON part `report` writes for the example tenant, as the base to mutate."""
    import tempfile

    with tempfile.TemporaryDirectory() as directory:
        path = Path(directory) / "part.json"
        code, _, err = run_main(["report", "--format", "json", "-o", str(path), str(ACME)])
        assert code == 0, err
        return json.loads(path.read_text())


@st.composite
def merge_parts(draw: st.DrawFn) -> str:
    """A part mutated in its structure or bytes, sometimes nested thousands of levels deep."""
    doc = draw(structural(_part()))
    text = json.dumps(doc, indent=draw(st.sampled_from([None, 1, 2])))
    if draw(st.integers(0, 5)) == 0:
        depth = draw(st.sampled_from([250, 900, 5000]))
        text = text.replace('"portfolio": {', f'"deep": {"[" * depth}{"]" * depth}, "portfolio": {{', 1)
    return draw(byte_mutations(text))


def _check_part(directory: Path, text: str) -> None:
    """Merged with a sound part: a malformed one is one located line, exit 2, and nothing written."""
    good, path, merged = directory / "good.json", directory / "part.json", directory / "merged.json"
    if not good.exists():
        good.write_text(json.dumps(_part()))
    path.write_bytes(text.encode("utf-8", "surrogatepass"))
    sane_run(["report", "--merge", str(good), str(path), "-o", str(merged)], [good, path], outputs=[merged])


def test_merge_parts(tmp_path_factory: pytest.TempPathFactory) -> None:
    directory = _workdir(tmp_path_factory)

    @bounded(EXAMPLES_PER_PROPERTY["merge parts"])
    @given(merge_parts())
    def prop(text: str) -> None:
        _check_part(directory, text)

    prop()


@pytest.mark.fuzz
def test_merge_parts_soak(soak: None, tmp_path_factory: pytest.TempPathFactory) -> None:
    directory = _workdir(tmp_path_factory)

    @bounded(EXAMPLES_PER_PROPERTY["merge parts"], soak=True)
    @given(merge_parts())
    def prop(text: str) -> None:
        _check_part(directory, text)

    prop()

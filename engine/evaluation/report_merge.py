"""`report --merge`: one portfolio from the JSON parts of several shards.

The parts are files (read here, checked for depth before the renderers recurse into
them); results and overviews go to disk as they are read (evaluation/spool.py), so
memory holds one part, not the portfolio.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from wxcc_policy.errors import UsageError
from wxcc_policy.evaluation.report_extras import in_date_order
from wxcc_policy.evaluation.spool import LazyMap, Spool
from wxcc_policy.inputs.files_read import note_read
from wxcc_policy.inputs.json_reader import JsonLocator, deep_offset
from wxcc_policy.inputs.nesting import json_nesting
from wxcc_policy.inputs.pointers import split_pointer
from wxcc_policy.inputs.positions import line_column
from wxcc_policy.validation.schemas import MAX_DEPTH, deeper_than, validator, violations_of

_NOT_A_PART = "not a JSON report of `wxcc-policy report --format json`"
_DECODABLE_DEPTH = 4 * MAX_DEPTH  # the JSON decoder recurses (to about 1,000 levels): deeper text is refused undecoded


def read_part(path: str) -> tuple[dict[str, Any], UsageError | None]:
    """A JSON report written by `report --format json` (one shard's part), and its first
    violation of the report's own schema, if any (kept, so that a part evaluated
    differently is reported first). Its nesting is checked before it is decoded (the
    decoder and the renderers recurse). Every error is located at `path:line:column`."""
    note_read(Path(path))  # so that -o never overwrites a part (docs/hardening.md)
    try:
        text = Path(path).read_text(encoding="utf-8")
    except OSError as exc:
        raise UsageError(f"cannot read: {exc.strerror}", path) from None
    except UnicodeDecodeError as exc:
        raise UsageError(f"not a JSON report: not UTF-8 (byte {exc.start})", f"{path}:1:1") from None
    depth = json_nesting(text)
    if depth > _DECODABLE_DEPTH:
        where = _at(path, text, deep_offset(text, MAX_DEPTH))
        raise UsageError(f"{_NOT_A_PART}: nesting deeper than {MAX_DEPTH} levels ({depth:,})", where)
    try:
        data = json.loads(text)
    except ValueError as exc:
        raise UsageError(f"not a JSON report: {getattr(exc, 'msg', exc)}", _at(path, text, getattr(exc, "pos", 0))) from None
    if not isinstance(data, dict) or not isinstance(data.get("portfolio"), dict) or "results" not in data:
        raise UsageError(f"{_NOT_A_PART} (no portfolio section)", f"{path}:1:1")
    deep = deeper_than(data, MAX_DEPTH)  # the renderers recurse: a hostile part must not exhaust the stack
    if deep is not None:
        where = deep if len(deep) <= 60 else deep[:60] + "…"
        raise UsageError(f"{_NOT_A_PART}: nesting deeper than {MAX_DEPTH} levels at {where}", _at(path, text, deep_offset(text, MAX_DEPTH)))
    return data, _part_problem(data, path, text)


def _at(path: str, text: str, offset: int) -> str:
    line, column = line_column(text, offset)
    return f"{path}:{line}:{column}"


def _part_problem(part: dict[str, Any], path: str, text: str) -> UsageError | None:
    """The first violation of schemas/report.schema.json, located at its value, so that
    nothing malformed reaches the merge."""
    problems = violations_of(validator("report"), part)
    if not problems:
        return None
    first = problems[0]
    offset = JsonLocator(text, part).offset(tuple(str(p) for p in split_pointer(first.pointer)))
    return UsageError(f"{_NOT_A_PART}: {first.message} (at {first.pointer or '/'})", _at(path, text, offset))


class _Rows:
    """The parts' results and overviews as they are read, one part at a time: results and
    overviews go to disk; a file name and a sort key per file stay in memory."""

    def __init__(self) -> None:
        self.results: Spool[dict[str, Any]] = Spool()
        self.overviews: Spool[Any] = Spool()
        self.files: list[str] = []

    def add(self, part: dict[str, Any]) -> None:
        for result, overview in zip(part["results"], _overviews(part), strict=True):
            self.files.append(result["file"])
            self.results.append(result)
            self.overviews.append(overview)

    def in_path_order(self) -> list[int]:
        """Positions by path (as discovery orders a directory); a file in two parts is refused."""
        _no_repeats(self.files)
        return sorted(range(len(self.files)), key=lambda i: Path(self.files[i]).parts)


def merge(paths: list[str], generated: str) -> dict[str, Any]:
    """One portfolio from the JSON parts of several shards, read one at a time (memory
    holds one part, not the portfolio); refuses parts that were not evaluated alike
    (policy set, tool version, settings) or that repeat a file."""
    first: dict[str, Any] = {}
    rows, summaries, notices, shards, coming = _Rows(), [], [], set(), []
    mismatched: list[UsageError] = []  # every part is read before a mismatch is reported
    malformed: list[UsageError] = []
    for path in paths:
        part, problem = read_part(path)
        if problem is not None:
            malformed.append(problem)
        try:
            if first:
                _same_run(paths[0], first, path, part)
            else:
                first = _header(part)
        except UsageError as exc:
            mismatched.append(exc)
        except (KeyError, TypeError, AttributeError, RecursionError) as exc:
            malformed.append(_malformed(exc, path))
        if mismatched or malformed:
            continue  # no need to keep what will not be merged
        try:
            rows.add(part)
            summaries.append(part["summary"])
            notices.append(part.get("notices"))
            shards.update(part["portfolio"].get("shards", []))
            coming.append(part["portfolio"].get("comingUp"))
        except UsageError as exc:
            mismatched.append(exc)
        except (KeyError, TypeError, AttributeError, RecursionError) as exc:
            malformed.append(_malformed(exc, path))
        del part  # the next part replaces it
    if mismatched or malformed:
        raise (mismatched or malformed)[0]
    order = rows.in_path_order()
    merged = {key: value for key, value in first.items() if key not in ("summary", "portfolio")}
    merged["results"] = LazyMap(order, rows.results.__getitem__)
    if any(n is not None for n in notices):
        merged["notices"] = _merged_notices([n for listed in notices for n in listed or []], merged["results"])
    merged["summary"] = _summed(summaries)
    merged["portfolio"] = {
        **first["portfolio"],
        "generatedAt": generated,
        "shards": sorted(shards),
        "overviews": LazyMap(order, rows.overviews.__getitem__),
        "comingUp": _merged_coming_up(coming, {rows.files[i]: n for n, i in enumerate(order)}),
    }
    merged["portfolio"].pop("aggregates", None)  # derived: recomputed by the renderers
    merged["portfolio"].pop("previous", None)  # a part's comparison is not the whole's
    return merged


def _malformed(exc: Exception, path: str) -> UsageError:
    """A part the schema admits that still cannot be merged: said in words, never as
    Python's exception text."""
    if isinstance(exc, RecursionError):
        return UsageError(f"{_NOT_A_PART}: a value is nested too deeply", f"{path}:1:1")
    return UsageError(f"{_NOT_A_PART}: a field is missing or has the wrong type", f"{path}:1:1")


def _header(part: dict[str, Any]) -> dict[str, Any]:
    """A part without its per-file lists (the overviews' place, if any, kept for the key order)."""
    header = {key: value for key, value in part.items() if key not in ("results", "notices")}
    header["portfolio"] = {key: None if key == "overviews" else value for key, value in part["portfolio"].items()}
    return header


def _merged_notices(notices: list[dict[str, Any]], results: Sequence[dict[str, Any]]) -> list[dict[str, Any]]:
    """Each shard judged its waivers alone: one unused in a shard may have waived a finding
    in another (then it is not reported), and a notice every shard gave is kept once."""
    used = {f["waiver"].get("reference") for r in results for f in r.get("findings", []) if isinstance(f.get("waiver"), dict)}
    kept: dict[str, dict[str, Any]] = {}
    for notice in notices:
        if notice.get("kind") == "waiver-unused" and notice.get("where") in used:
            continue
        kept.setdefault(json.dumps(notice, sort_keys=True), notice)
    return list(kept.values())


def _merged_coming_up(sections: list[Any], order: dict[str, int]) -> dict[str, Any] | None:
    if sections[0] is None:
        return None
    events = [e for section in sections if section for e in section.get("events", [])]
    return {"horizon": sections[0]["horizon"], "events": in_date_order(events, order)}


def _overviews(part: dict[str, Any]) -> list[Any]:
    overviews = part["portfolio"].get("overviews")
    return overviews if isinstance(overviews, list) and len(overviews) == len(part["results"]) else [None] * len(part["results"])


def _same_run(first_path: str, first: dict[str, Any], path: str, part: dict[str, Any]) -> None:
    checks = (
        ("policy set digest", lambda d: d.get("policySet", {}).get("digest")),
        ("tool version", lambda d: d.get("tool", {}).get("version")),
        ("evaluation settings (--as-of, --fail-on, policies, parameters)", lambda d: d["portfolio"].get("settings")),
    )
    for label, get in checks:
        if get(first) != get(part):
            raise UsageError(f"cannot merge: made with a different {label} than {first_path}", f"{path}:1:1")


def _no_repeats(files: list[str]) -> None:
    seen: set[str] = set()
    for name in files:
        if name in seen:
            raise UsageError(f"cannot merge: {name} is in more than one part (overlapping shards?)")
        seen.add(name)


def _summed(summaries: list[dict[str, Any]]) -> dict[str, Any]:
    """Counts add up; the run passed when every part did; the rest is the same in every part."""
    total: dict[str, Any] = {}
    for key, value in summaries[0].items():
        if key == "passed":
            total[key] = all(bool(s.get(key)) for s in summaries)
        elif isinstance(value, int) and not isinstance(value, bool):
            total[key] = sum(int(s.get(key, 0)) for s in summaries)
        else:
            total[key] = value
    return total

"""JSON with one record per line: pretty at the top, each list item (a result, a rule, an
issue) on a line of its own.

`json.dumps(indent=2)` runs the pure-Python encoder (the C one serves only `indent=None`):
on a report of 1,000 findings it cost more than the rest of the rendering. Items on one line
are written by the C encoder, and a changed finding is still a one-line diff.
"""

from __future__ import annotations

import json
from typing import Any


def dumps(value: Any, inline_from: int, depth: int = 0) -> str:
    """`value` as JSON; the items of lists at depth `inline_from` or deeper on one line each."""
    if not isinstance(value, (dict, list)) or not value:
        return json.dumps(value, ensure_ascii=False)
    pad = "  " * (depth + 1)
    if isinstance(value, dict):
        members = [f"{pad}{json.dumps(k, ensure_ascii=False)}: {dumps(v, inline_from, depth + 1)}" for k, v in value.items()]
        return "{\n" + ",\n".join(members) + "\n" + "  " * depth + "}"
    if depth >= inline_from:
        items = [pad + json.dumps(v, ensure_ascii=False) for v in value]
    else:
        items = [pad + dumps(v, inline_from, depth + 1) for v in value]
    return "[\n" + ",\n".join(items) + "\n" + "  " * depth + "]"

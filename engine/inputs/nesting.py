"""How deep a JSON text nests, found before it is decoded.

Python's JSON decoder recurses: a document nested some thousands of levels deep ends in
RecursionError inside it. The scan works on bytes at the C speed of `replace` and
`translate`, and never recurses: escaped backslashes and quotes are dropped; every byte
but a bracket or a quote is dropped; two quotes side by side (a string, or the space
between two, with no bracket in it) go, then what is left between quotes (a string that
holds brackets, which do not count); one pass over the brackets left gives the depth.
"""

from __future__ import annotations

import re
from itertools import accumulate

_NOT_STRUCTURE = bytes(b for b in range(256) if b not in b'[]{}"')
_QUOTED = re.compile(rb'"[^"]*"')


def json_nesting(text: str | bytes) -> int:
    """The deepest nesting of arrays and objects in `text` (0 for a scalar). For text that
    is not JSON the number means little, but the scan still ends."""
    data = text.encode("utf-8", "surrogatepass") if isinstance(text, str) else text
    structure = data.replace(b"\\\\", b"").replace(b'\\"', b"").translate(None, _NOT_STRUCTURE)
    brackets = _QUOTED.sub(b"", structure.replace(b'""', b"")).replace(b'"', b"")
    return max(accumulate(1 if c in b"[{" else -1 for c in brackets), default=0)

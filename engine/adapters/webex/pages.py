"""The APIs' three ways of paging, over any fetcher (live, recording or replay):
RFC 5988 `Link: <...>; rel="next"` (`/people` with `max`, `/licenses/{id}` with
`next`/`limit`), and the Contact Center's `page`/`pageSize` with a relative
`meta.links.next`."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any
from urllib.parse import urlencode

from wxcc_policy.adapters.webex.client import Fetcher, Reply, shown
from wxcc_policy.adapters.webex.problems import ExportProblem
from wxcc_policy.adapters.webex.scopes import refusal

MAX_PAGES = 100_000  # a server that pages for ever is an error, not a hang
_NEXT_LINK = re.compile(r'<([^>]*)>\s*;[^,]*\brel="?next"?', re.IGNORECASE)


def target(path: str, params: dict[str, Any] | None = None) -> str:
    return f"{path}?{urlencode(params)}" if params else path


class Api:
    """Reads JSON from the two APIs through a fetcher; `bases` turns next-page links into targets."""

    def __init__(self, fetcher: Fetcher, bases: dict[str, str]) -> None:
        self.fetcher = fetcher
        self.bases = bases

    def reply(self, api: str, where: str) -> Reply:
        return self.fetcher.get(api, where)

    def one(self, api: str, where: str) -> dict[str, Any]:
        """The JSON object at `where`; a 4xx ends in its one-line error."""
        reply = self.fetcher.get(api, where)
        if reply.status >= 400:
            raise refusal(api, where, reply)
        return _object(reply.json(api, where), api, where)

    def link_pages(self, path: str, params: dict[str, Any], key: str) -> Iterator[Any]:
        """Items of `key` on every page, following `Link: rel="next"`."""
        where: str | None = target(path, params)
        for _ in _bounded(path):
            assert where is not None
            reply = self.fetcher.get("admin", where)
            if reply.status >= 400:
                raise refusal("admin", where, reply)
            yield from _items(_object(reply.json("admin", where), "admin", where), key, "admin", where)
            where = self._next_link(reply, where)
            if where is None:
                return

    def cc_pages(self, path: str, page_size: int) -> Iterator[Any]:
        """Items of `data` on every page, following `meta.links.next` (relative to the base URL)."""
        where: str | None = target(path, {"page": 0, "pageSize": page_size})
        seen: set[str] = set()
        for _ in _bounded(path):
            assert where is not None
            seen.add(where)
            body = self.one("cc", where)
            yield from _items(body, "data", "cc", where)
            where = _cc_next(body, "cc", where)
            if where is None:
                return
            if where in seen:
                raise ExportProblem(f"the next page link repeats a page ({where})", where=f"GET {shown('cc', where)}")

    def _next_link(self, reply: Reply, where: str) -> str | None:
        match = _NEXT_LINK.search(reply.headers.get("link", ""))
        if match is None:
            return None
        url = match.group(1)
        base = self.bases["admin"]
        if not url.startswith(base + "/"):
            raise ExportProblem(f"the next page link leaves the API ({url[:120]})", where=f"GET {where}")
        return url[len(base) :]


def _bounded(path: str) -> range:
    return range(MAX_PAGES)


def _object(data: Any, api: str, where: str) -> dict[str, Any]:
    if not isinstance(data, dict):
        raise ExportProblem(f"the response is a JSON {type(data).__name__}, not an object", where=f"GET {shown(api, where)}")
    return data


def _items(body: dict[str, Any], key: str, api: str, where: str) -> list[Any]:
    items = body.get(key, [])
    if not isinstance(items, list) or not all(isinstance(i, dict) for i in items):
        raise ExportProblem(f"the response's {key!r} is not a list of objects", where=f"GET {shown(api, where)}")
    return items


def _cc_next(body: dict[str, Any], api: str, where: str) -> str | None:
    meta = body.get("meta")
    links = meta.get("links") if isinstance(meta, dict) else None
    following = links.get("next") if isinstance(links, dict) else None
    if following in (None, ""):
        return None
    if not isinstance(following, str) or not following.startswith("/"):
        raise ExportProblem(f"meta.links.next is not a relative link ({str(following)[:120]})", where=f"GET {shown(api, where)}")
    return following

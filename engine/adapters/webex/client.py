"""HTTP to the two Webex APIs: one GET at a time per caller, within a shared rate limit,
with bounded retries (429 with Retry-After, 5xx, timeouts, connection errors).

httpx is imported here only, and this module only when an export talks to a server:
`check` never loads it, and `--from-responses` does not need it."""

from __future__ import annotations

import email.utils
import json
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Protocol

from wxcc_policy.adapters.webex.problems import ApiUnavailable, ExportProblem, scrubbed

KEPT_HEADERS = ("link", "retry-after", "content-type")
LONGEST_RETRY_AFTER = 120.0  # seconds; a server asking for longer ends the export instead
MAX_BODY = 64 << 20  # bytes; a page of 1,000 people is about 0.5 MiB
FALLBACK_WAIT = 0.5  # seconds, doubled per attempt, when a 429 or 5xx comes without Retry-After


@dataclass(frozen=True)
class Reply:
    """One API answer as the export uses it (and as `--save-responses` keeps it)."""

    status: int
    headers: dict[str, str]
    body: str

    def json(self, api: str, target: str) -> Any:
        try:
            return json.loads(self.body)
        except ValueError as exc:
            raise ExportProblem(f"the response is not JSON ({exc})", where=f"GET {shown(api, target)}") from None
        except RecursionError:
            raise ExportProblem("the response nests too deeply to be an API answer", where=f"GET {shown(api, target)}") from None


class Fetcher(Protocol):
    def get(self, api: str, target: str) -> Reply: ...


def shown(api: str, target: str) -> str:
    """How a request is named in messages: the Contact Center API's requests say so."""
    return f"{target} (Contact Center API)" if api == "cc" else target


class RateLimiter:
    """At most `per_minute` requests a minute, evenly spaced, shared by every thread."""

    def __init__(self, per_minute: float, clock: Callable[[], float] = time.monotonic, sleep: Callable[[float], None] = time.sleep) -> None:
        self._interval = 60.0 / per_minute
        self._clock, self._sleep = clock, sleep
        self._next = 0.0
        self._lock = threading.Lock()

    def acquire(self) -> None:
        with self._lock:
            now = self._clock()
            start = max(now, self._next)
            self._next = start + self._interval
        if start > now:
            self._sleep(start - now)


class LiveClient:
    """GET requests to the APIs' base URLs with the bearer token (never shown anywhere)."""

    def __init__(self, bases: dict[str, str], token: str, per_minute: float, timeout: float, retries: int) -> None:
        import httpx

        from wxcc_policy import __version__

        self._httpx = httpx
        self._bases = bases
        self._token = token
        self._limiters = {api: RateLimiter(per_minute) for api in bases}
        self._retries = retries
        self._timeout = timeout
        headers = {"Authorization": f"Bearer {token}", "Accept": "application/json", "User-Agent": f"wxcc-policy/{__version__}"}
        self._client = httpx.Client(headers=headers, timeout=httpx.Timeout(timeout), follow_redirects=False, trust_env=False)

    def close(self) -> None:
        self._client.close()

    def get(self, api: str, target: str) -> Reply:
        for attempt in range(self._retries + 1):
            reply = self._attempt(api, target, attempt)
            if reply is not None:
                return reply
        raise AssertionError("unreachable: the last attempt returns or raises")

    def _attempt(self, api: str, target: str, attempt: int) -> Reply | None:
        """The reply, or None when it is worth another try (after waiting)."""
        last = attempt == self._retries
        self._limiters[api].acquire()
        try:
            answer, body = self._fetch(self._bases[api] + target)
        except self._httpx.TimeoutException:
            return self._again(last, api, target, f"no answer within {self._timeout:g} s", attempt)
        except self._httpx.TransportError as exc:
            return self._again(last, api, target, f"cannot connect ({scrubbed(str(exc), self._token) or type(exc).__name__})", attempt)
        if body is None:
            raise ExportProblem(f"the response is larger than {MAX_BODY >> 20} MiB", where=f"GET {shown(api, target)}")
        reply = Reply(answer.status_code, _kept(answer.headers), scrubbed(body.decode("utf-8", errors="replace"), self._token))
        if answer.status_code == 429 or answer.status_code >= 500:
            wait = retry_after(reply.headers.get("retry-after"), attempt)
            if wait > LONGEST_RETRY_AFTER:
                raise ApiUnavailable(
                    f"rate limited; the server asks to wait {wait:g} s (more than {LONGEST_RETRY_AFTER:g} s)",
                    where=f"GET {shown(api, target)}",
                )
            return self._again(last, api, target, f"HTTP {answer.status_code}", attempt, wait)
        return reply  # a 4xx is the caller's to judge (a partner listing falls back on one)

    def _fetch(self, url: str) -> tuple[Any, bytes | None]:
        """The answer and its body, read no further than MAX_BODY (None beyond it)."""
        with self._client.stream("GET", url) as answer:
            chunks, size = [], 0
            for chunk in answer.iter_bytes():
                size += len(chunk)
                if size > MAX_BODY:
                    return answer, None
                chunks.append(chunk)
            return answer, b"".join(chunks)

    def _again(self, last: bool, api: str, target: str, why: str, attempt: int, wait: float | None = None) -> Reply | None:
        """None, after waiting for the next attempt; on the last one, the error."""
        if last:
            raise ApiUnavailable(f"{why} after {attempt + 1} attempt{'s' if attempt else ''}", where=f"GET {shown(api, target)}")
        time.sleep(FALLBACK_WAIT * 2**attempt if wait is None else wait)
        return None


def retry_after(value: str | None, attempt: int) -> float:
    """Seconds to wait: Retry-After as seconds or an HTTP date, else a doubling fallback."""
    fallback = FALLBACK_WAIT * 2**attempt
    if not value:
        return fallback
    if value.strip().isdigit():
        return float(value.strip())
    try:
        moment = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return fallback
    return max(0.0, moment.timestamp() - time.time())


def _kept(headers: Any) -> dict[str, str]:
    return {name: headers[name] for name in KEPT_HEADERS if name in headers}

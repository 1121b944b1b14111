"""Fault modes for the double's Web API: what a bad minute at slack.com looks like.

`SlackDouble.fault(method, kind, *, times=None, seconds=None, **options)` scripts one of:

- "error": HTTP 200 `{"ok": false, "error": <error>}` (option `error`, default "fatal_error");
  no work is done. `fail_next` is this kind.
- "rate_limited": HTTP 429, header `Retry-After: <retry_after>` (option, default 1) and
  `{"ok": false, "error": "ratelimited"}`; no work is done. `rate_limit_next` is this kind.
- "server_error": HTTP `<status>` (option, default 500; any 5xx) with the small HTML page
  Slack's edge sends, or an empty body when option `body` is ""; no work is done.
- "hang": the request is read and never answered; the connection is dropped when the
  double stops (so nothing leaks). The client gives up on its own timeout.
- "late": the work is done (the message is stored, events are emitted) and the answer is
  sent only after `delay` seconds (option, default 1.0) of real time: longer than the
  client's timeout, so the caller believes the call failed although it took effect.
- "drop": the work is done, then the connection is closed without any HTTP response.

A fault applies to the next `times` calls of `method`, or to every call of it during the
next `seconds` of real (monotonic) time, not the bot's clock; with both, to at most `times`
calls within `seconds`; with neither, to the next call. Faults on one method apply in the
order they were set: the first one still live answers. Faults apply after the token checks
(a call with a bad token is still `invalid_auth`) and after the double's `latency`.
`clear_faults()` removes them all. Every faulted call is in `double.calls` with
`Call.fault` naming the kind (a hanging call is recorded when it arrives).
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Literal, TypedDict, Unpack, get_args

from aiohttp import web

FaultKind = Literal["error", "rate_limited", "server_error", "hang", "late", "drop"]
KINDS: frozenset[str] = frozenset(get_args(FaultKind))
INSTEAD_OF_WORK: frozenset[str] = frozenset({"error", "rate_limited", "server_error", "hang"})

_EDGE_PAGE = (
    "<html>\r\n<head><title>{status} {reason}</title></head>\r\n"
    "<body>\r\n<center><h1>{status} {reason}</h1></center>\r\n</body>\r\n</html>\r\n"
)


class FaultOptions(TypedDict, total=False):
    """What a kind may be tuned with (see the module docstring)."""

    error: str
    retry_after: int
    status: int
    body: str
    delay: float


@dataclass
class Fault:
    """One scripted fault on one method."""

    kind: FaultKind
    remaining: int | None
    until: float | None
    error: str = "fatal_error"
    retry_after: int = 1
    status: int = 500
    body: str | None = None
    delay: float = 1.0

    def live(self, now: float) -> bool:
        if self.until is not None and now >= self.until:
            return False
        return self.remaining is None or self.remaining > 0

    def use(self) -> None:
        if self.remaining is not None:
            self.remaining -= 1

    def recorded_error(self) -> str | None:
        """The Slack error code `double.calls` shows for a call this fault refused."""
        return {"error": self.error, "rate_limited": "ratelimited"}.get(self.kind)


class Faults:
    """The faults scripted on an ApiServer, and how a faulted call is answered."""

    def __init__(self, wall: Callable[[], float] = time.monotonic) -> None:
        self._wall = wall
        self._by_method: dict[str, list[Fault]] = {}
        self._stopping = asyncio.Event()

    def add(
        self,
        method: str,
        kind: FaultKind,
        *,
        times: int | None = None,
        seconds: float | None = None,
        **options: Unpack[FaultOptions],
    ) -> Fault:
        _check(kind, times, seconds, dict(options))
        if times is None and seconds is None:
            times = 1
        until = None if seconds is None else self._wall() + seconds
        fault = Fault(kind, times, until, **options)
        self._by_method.setdefault(method, []).append(fault)
        return fault

    def take(self, method: str) -> Fault | None:
        """The fault that answers this call of `method`, counted as used; None if none."""
        now = self._wall()
        live = [fault for fault in self._by_method.pop(method, []) if fault.live(now)]
        if not live:
            return None
        self._by_method[method] = live
        live[0].use()
        return live[0]

    def clear(self) -> None:
        self._by_method.clear()

    def open(self) -> None:
        """Called when the server starts: hanging calls wait for the next stop."""
        self._stopping = asyncio.Event()

    def release(self) -> None:
        """Called when the server stops: hanging and late calls end now."""
        self._stopping.set()

    async def instead_of_work(self, request: web.Request, fault: Fault) -> web.StreamResponse:
        """The answer to a call refused by an "error", "rate_limited", "server_error" or "hang"."""
        if fault.kind == "hang":
            await self._stopping.wait()
            return _dropped(request)
        if fault.kind == "server_error":
            return _edge_error(fault)
        if fault.kind == "rate_limited":
            headers = {"Retry-After": str(fault.retry_after)}
            return web.json_response(
                {"ok": False, "error": "ratelimited"}, status=429, headers=headers
            )
        return web.json_response({"ok": False, "error": fault.error})

    async def after_work(
        self, request: web.Request, fault: Fault, body: dict[str, Any]
    ) -> web.StreamResponse:
        """The answer to a call that did its work under a "late" or "drop" fault."""
        if fault.kind == "drop":
            return _dropped(request)
        # the delay ends early only if the double stops; then answer, whoever still listens
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._stopping.wait(), fault.delay)
        return web.json_response(body)


def _check(kind: str, times: int | None, seconds: float | None, options: dict[str, Any]) -> None:
    if kind not in KINDS:
        raise ValueError(f"unknown fault kind {kind!r}; one of {sorted(KINDS)}")
    if times is not None and times < 1:
        raise ValueError("times must be at least 1")
    if seconds is not None and seconds <= 0:
        raise ValueError("seconds must be positive")
    unknown = set(options) - set(FaultOptions.__annotations__)
    if unknown:
        raise TypeError(f"unknown fault options {sorted(unknown)}")
    status = options.get("status", 500)
    if not 500 <= status <= 599:
        raise ValueError("a server_error status is 5xx")


def _edge_error(fault: Fault) -> web.Response:
    if fault.body is not None:
        return web.Response(status=fault.status, text=fault.body, content_type="text/html")
    reason = web.Response(status=fault.status).reason
    page = _EDGE_PAGE.format(status=fault.status, reason=reason)
    return web.Response(status=fault.status, text=page, content_type="text/html")


def _dropped(request: web.Request) -> web.Response:
    """Close the connection with no HTTP response (aiohttp's write of this one then fails)."""
    if request.transport is not None:
        request.transport.close()
    return web.Response()

"""Behind the HTTP gate: Bolt runs only what the gate passed, and a replay runs nothing.

Over HTTP, app/web.py hands Bolt a request only after app/requests/gate.py has checked its
signature and shape and started writing its replay mark; Bolt's own signature check is off
(app/main.py `_bolt`), so the body is verified and parsed once. Both rules live here, in
`AfterGate`, the middleware Bolt runs before `authorize`:

- An HTTP request must carry `PASSED` in its context (only app/web.py puts it there, after the
  gate): anything else that reaches Bolt over HTTP gets 401 and runs nothing. Socket Mode
  requests come over the app's own WebSocket, which Slack authenticated; they pass.
- A command or an interaction comes with its replay mark still being written (`MARK`): its
  `ack` becomes a `MarkedAck`, which answers Slack at once and then waits for the mark. For a
  replay it raises `Replayed`, which app/slack/listeners/error_handler.py logs and keeps
  silent. Listeners call `ack()` first and do nothing before it (docs/ARCHITECTURE.md), so for
  a replay nothing after the ack runs, and no listener has to remember the mark.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import Any

from slack_bolt.context.ack.async_ack import AsyncAck
from slack_bolt.middleware.async_middleware import AsyncMiddleware
from slack_bolt.request.async_request import AsyncBoltRequest
from slack_bolt.response import BoltResponse

PASSED = "crisis_gate_passed"  # context key: app/web.py's gate passed this request
MARK = "crisis_replay_mark"  # context key: the request's replay mark, being written


class Replayed(Exception):
    """This command or interaction was served before: it was acknowledged and runs nothing."""


class MarkedAck(AsyncAck):
    """Bolt's `ack`, then the replay mark: Slack has its answer before the mark is known."""

    def __init__(self, mark: asyncio.Future[bool]) -> None:
        super().__init__()  # type: ignore[no-untyped-call]
        self.mark = mark

    async def __call__(self, *args: Any, **kwargs: Any) -> BoltResponse:
        response = await super().__call__(*args, **kwargs)  # Bolt answers from `self.response`
        if not await self.mark:  # (a database error reaches the listener's error handler)
            raise Replayed("a replayed request was acknowledged and runs nothing")
        return response


class AfterGate(AsyncMiddleware):
    """Refuses HTTP requests that did not pass the gate; gives marked requests a `MarkedAck`."""

    async def async_process(
        self,
        *,
        req: AsyncBoltRequest,
        resp: BoltResponse,
        next: Callable[[], Awaitable[BoltResponse]],
    ) -> BoltResponse | None:
        if req.mode == "http" and req.context.get(PASSED) is not True:
            return BoltResponse(status=401, body="")
        mark = req.context.get(MARK)
        if mark is not None:
            req.context["ack"] = MarkedAck(mark)
        return await next()


def gated_request(
    *,
    text: str,
    body: dict[str, Any],
    query: str,
    headers: Any,
    mark: asyncio.Future[bool] | None,
) -> AsyncBoltRequest:
    """The Bolt request for what the gate passed, from the body it already parsed (Bolt takes
    a parsed body only in its Socket Mode shape; it is then told the request came over HTTP,
    with its raw text, as Bolt's own aiohttp adapter would have built it)."""
    context: dict[str, Any] = {PASSED: True}
    if mark is not None:
        context[MARK] = mark
    request = AsyncBoltRequest(
        body=body, query=query, headers=headers, context=context, mode="socket_mode"
    )
    request.raw_body, request.mode = text, "http"
    return request

"""Commands, clicks and forms: characters no store can keep are replaced before any listener
reads them, so a NUL typed into a title never blocks `/crisis open` on PostgreSQL."""

from __future__ import annotations

from collections import Counter
from collections.abc import Awaitable, Callable
from typing import Any

from slack_bolt.middleware.async_middleware import AsyncMiddleware
from slack_bolt.request.async_request import AsyncBoltRequest
from slack_bolt.response import BoltResponse

from app.record.sanitize import clean


def clean_body(body: dict[str, Any]) -> None:
    """NUL and lone surrogates become U+FFFD. Events are left as Slack sent them: the legal
    record replaces them itself and notes each replacement in the entry."""
    if body.get("type") != "event_callback":
        counts: Counter[str] = Counter()
        cleaned = clean(body, counts)
        if counts:
            body.clear()
            body.update(cleaned)


class CleanInput(AsyncMiddleware):
    """Bolt middleware running `clean_body` on every request (a middleware class: Bolt calls
    it directly, with no per-request argument building)."""

    async def async_process(
        self,
        *,
        req: AsyncBoltRequest,
        resp: BoltResponse,
        next: Callable[[], Awaitable[BoltResponse]],
    ) -> BoltResponse | None:
        clean_body(req.body)
        return await next()

"""Acknowledge only what is stored: the record entry of an event commits before Slack's 200.

Bolt acknowledges an event before its listener runs, so the write happens in the listener's
own middleware, which runs first: the event is archived (by the group-commit writer, so a
burst shares a few commits), then `next()` lets Bolt acknowledge it. If the database refuses
the write, the answer is 503 instead: Slack sends the event again (over HTTP and over Socket
Mode alike, an unacknowledged event is retried) and its dedupe key stores the retry once.
Anything else that goes wrong is a bug, not a lost write: it is reported with an error id and
the event is acknowledged, since sending it again would fail the same way (reconcile reads the
message from history later).
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from typing import Any

from slack_bolt.middleware.async_middleware import AsyncMiddleware
from slack_bolt.request.async_request import AsyncBoltRequest
from slack_bolt.response import BoltResponse
from sqlalchemy.exc import SQLAlchemyError

from app.flows.outage import tell_admins
from app.slack.listeners.error_handler import report
from app.store.trouble import database_trouble

logger = logging.getLogger(__name__)

Ingest = Callable[..., Awaitable[Any]]
WRITE_FAILURES = (SQLAlchemyError, OSError)  # the database refused or could not be reached
# The events whose only effect is a record entry its dedupe key keeps single (the HTTP gate
# lets them run while their replay mark is written: a replay of one stores nothing new).
STORED_EVENTS = frozenset(
    {"message", "reaction_added", "reaction_removed", "pin_added", "pin_removed"}
)


class StoredFirst(AsyncMiddleware):
    """Listener middleware that runs `ingest(deps, event, event_id=…)` before the ack (a
    middleware class: Bolt calls it directly, with no per-event argument building)."""

    def __init__(self, ingest: Ingest) -> None:
        self.ingest = ingest

    async def async_process(
        self,
        *,
        req: AsyncBoltRequest,
        resp: BoltResponse,
        next: Callable[[], Awaitable[BoltResponse | None]],
    ) -> BoltResponse | None:
        body, deps = req.body, req.context["deps"]
        with deps.work.running():
            try:
                await self.ingest(deps, body.get("event") or {}, event_id=body.get("event_id"))
            except WRITE_FAILURES as error:
                _mark_gap(deps, body)  # Slack may give up: the catch-up reads it from history
                trouble = database_trouble(error)
                if trouble is not None:  # the admins hear of it (once per outage)
                    told = tell_admins(deps, trouble, str(body.get("event_id") or "?"))
                    deps.work.spawn(told, name="tell the admins")
                return _not_stored(body, error)
            except Exception as error:
                _mark_gap(deps, body)
                await report(error, body, deps)
        await next()
        return None


def _mark_gap(deps: Any, body: dict[str, Any]) -> None:
    """The event's war room may now lack it: its incident is marked for the catch-up
    (in memory: the database that refused this write may refuse the mark too)."""
    event = body.get("event") or {}
    item = event.get("item")
    item = item if isinstance(item, dict) else {}
    channel = event.get("channel") or event.get("channel_id") or item.get("channel")
    if isinstance(channel, str) and channel:
        deps.gaps.channel(channel, deps.clock.now())


def _not_stored(body: dict[str, Any], error: Exception) -> BoltResponse:
    logger.warning(
        "event %s was not stored (%s): Slack is asked to send it again",
        body.get("event_id") or "?",
        type(error).__name__,  # never its text: a database error can quote the message
    )
    return BoltResponse(status=503, body="")

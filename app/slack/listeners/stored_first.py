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

from slack_bolt.response import BoltResponse
from sqlalchemy.exc import SQLAlchemyError

from app.flows.deps import Deps
from app.slack.listeners.error_handler import report

logger = logging.getLogger(__name__)

Ingest = Callable[..., Awaitable[Any]]
Middleware = Callable[..., Awaitable[BoltResponse | None]]
WRITE_FAILURES = (SQLAlchemyError, OSError)  # the database refused or could not be reached


def stored_first(ingest: Ingest) -> Middleware:
    """Listener middleware that runs `ingest(deps, event, event_id=…)` before the ack."""

    async def store_then_ack(
        body: dict[str, Any], next: Callable[[], Awaitable[None]], deps: Deps
    ) -> BoltResponse | None:
        with deps.work.running():
            try:
                await ingest(deps, body.get("event") or {}, event_id=body.get("event_id"))
            except WRITE_FAILURES as error:
                return _not_stored(body, error)
            except Exception as error:
                await report(error, body, deps)
        await next()
        return None

    return store_then_ack


def _not_stored(body: dict[str, Any], error: Exception) -> BoltResponse:
    logger.warning(
        "event %s was not stored (%s): Slack is asked to send it again",
        body.get("event_id") or "?",
        type(error).__name__,  # never its text: a database error can quote the message
    )
    return BoltResponse(status=503, body="")

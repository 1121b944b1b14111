"""Every message event in an incident channel goes into the legal record.

`app.event("message")` hears every subtype (`app.message()` would miss edits and deletions),
and the app is built with `ignoring_self_events_enabled=False` so the bot's own posts are kept.
Bolt acknowledges events before this runs; a retried delivery (X-Slack-Retry-Num, same event)
is stored once because the record dedupes on what the event is, not how it arrived.
"""

from __future__ import annotations

from typing import Any

from slack_bolt.async_app import AsyncApp

from app.flows.deps import Deps
from app.flows.record_ingest import ingest_event
from app.slack.listeners.error_handler import guarded


def register(app: AsyncApp) -> None:
    app.event("message")(guarded(handle_message))
    for membership in ("member_joined_channel", "member_left_channel"):
        app.event(membership)(ignore_membership)


async def handle_message(event: dict[str, Any], body: dict[str, Any], deps: Deps) -> None:
    await ingest_event(deps, event, event_id=body.get("event_id"))


async def ignore_membership() -> None:
    """Joins and leaves are recorded from their channel_join / channel_leave messages, which
    history can recover too; these events (sent only if subscribed) add nothing."""

"""Every message event in an incident channel goes into the legal record.

`app.event("message")` hears every subtype (`app.message()` would miss edits and deletions),
and the app is built with `ignoring_self_events_enabled=False` so the bot's own posts are kept.
The entry is committed before Slack gets its 200 (app/slack/listeners/stored_first.py); a
retried delivery (X-Slack-Retry-Num, same event) is stored once because the record dedupes on
what the event is, not how it arrived.
"""

from __future__ import annotations

from slack_bolt.async_app import AsyncApp

from app.flows.record_ingest import ingest_event
from app.slack.listeners.stored_first import StoredFirst


def register(app: AsyncApp) -> None:
    app.event("message", middleware=[StoredFirst(ingest_event)])(archived)
    for membership in ("member_joined_channel", "member_left_channel"):
        app.event(membership)(ignore_membership)


async def archived() -> None:
    """Nothing is left to do once Bolt acknowledges: the middleware stored the event first."""


async def ignore_membership() -> None:
    """Joins and leaves are recorded from their channel_join / channel_leave messages, which
    history can recover too; these events (sent only if subscribed) add nothing."""

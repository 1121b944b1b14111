"""Channel messages (message.channels, message.groups).

Bolt acknowledges events itself. Answering them keeps Slack from counting failures against the
app; the legal record stores them once it lands.
"""

from __future__ import annotations

from slack_bolt.async_app import AsyncApp

from app.slack import ids


def register(app: AsyncApp) -> None:
    for event_type in sorted(set(ids.BOT_EVENTS.values())):
        app.event(event_type)(handle_message)


async def handle_message() -> None:
    """Nothing to do yet: the record (issue 5) stores every message here."""

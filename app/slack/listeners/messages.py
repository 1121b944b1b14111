"""Channel messages (message.channels, message.groups).

Bolt acknowledges events itself. Answering them keeps Slack from counting failures against the
app; the legal record stores them once it lands.
"""

from __future__ import annotations

from slack_bolt.async_app import AsyncApp


def register(app: AsyncApp) -> None:
    app.event("message")(handle_message)


async def handle_message() -> None:
    """Nothing to do yet: the record (issue 5) stores every message here."""

"""Reactions and pins in war rooms go into the legal record, with who and when.

Slack sends `reaction_added` / `reaction_removed` (scope reactions:read) and `pin_added` /
`pin_removed` (scope pins:read) for the channels the bot is in; anything outside a war room is
ignored by the flow. Each is stored before it is acknowledged (`StoredFirst`).
"""

from __future__ import annotations

from slack_bolt.async_app import AsyncApp

from app.flows.record_ingest import ingest_reaction
from app.slack.listeners.stored_first import StoredFirst

EVENTS = ("reaction_added", "reaction_removed", "pin_added", "pin_removed")


def register(app: AsyncApp) -> None:
    for name in EVENTS:
        app.event(name, middleware=[StoredFirst(ingest_reaction)])(archived)


async def archived() -> None:
    """Nothing is left to do once Bolt acknowledges: the middleware stored the event first."""

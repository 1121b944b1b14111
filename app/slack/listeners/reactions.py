"""Reactions and pins in war rooms go into the legal record, with who and when.

Slack sends `reaction_added` / `reaction_removed` (scope reactions:read) and `pin_added` /
`pin_removed` (scope pins:read) for the channels the bot is in; anything outside a war room is
ignored by the flow. Bolt acknowledges each event before this runs.
"""

from __future__ import annotations

from typing import Any

from slack_bolt.async_app import AsyncApp

from app.flows.deps import Deps
from app.flows.record_ingest import ingest_reaction
from app.slack.listeners.error_handler import guarded

EVENTS = ("reaction_added", "reaction_removed", "pin_added", "pin_removed")


def register(app: AsyncApp) -> None:
    for name in EVENTS:
        app.event(name)(guarded(handle_reaction))


async def handle_reaction(event: dict[str, Any], body: dict[str, Any], deps: Deps) -> None:
    await ingest_reaction(deps, event, event_id=body.get("event_id"))

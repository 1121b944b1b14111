"""Reading anchors back from Slack: the bot's own posts in war rooms and the checkpoint channel.

Only messages the bot itself posted count (its user id or bot id, from auth.test): anyone in a
war room can type "Record checkpoint: …", and such a message proves nothing. Each channel's
whole history is read, a page at a time.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from app.errors import SlackFailure
from app.flows.deps import Deps
from app.incidents.models import Incident
from app.record.anchors import Anchor, parse, posted_at
from app.store.workspace import Workspace


async def read_anchors(deps: Deps, incidents: Sequence[Incident]) -> list[Anchor]:
    """Every anchor the bot posted in these incidents' war rooms and the checkpoint channel
    (each war room read with its workspace's installation)."""
    sources = [
        (await deps.on(Workspace.of(incident)), incident.channel_id, f"#{incident.channel_name}")
        for incident in incidents
    ]
    checkpoints = deps.settings.checkpoint_channel
    if checkpoints is not None:
        sources.append((deps, checkpoints, await channel_label(deps, checkpoints)))
    found: list[Anchor] = []
    authors_of: dict[int, set[str]] = {}  # one auth.test per gateway, not per war room
    for served, channel, where in sources:
        if id(served.slack) not in authors_of:
            authors_of[id(served.slack)] = await _authors(served)
        authors = authors_of[id(served.slack)]
        for message in await history(served, channel, where):
            if {str(message.get("user")), str(message.get("bot_id"))} & authors:
                stamp = posted_at(str(message.get("ts") or ""))
                found += parse(str(message.get("text") or ""), where=where, posted_at=stamp)
    return found


async def _authors(deps: Deps) -> set[str]:
    """The bot's user id and bot id (auth.test): whose messages count as anchors."""
    identity = await deps.slack.identify()
    return {str(identity.get(key)) for key in ("user_id", "bot_id") if identity.get(key)}


async def history(deps: Deps, channel: str, where: str) -> list[dict[str, Any]]:
    """conversations.history of one channel, every page."""
    return await deps.slack.messages(channel, what=f"read the history of {where} for its anchors")


async def channel_label(deps: Deps, channel: str) -> str:
    """#name of a channel (its id when Slack will not say)."""
    try:
        info = await deps.slack.channel_info(channel, what="read the checkpoint channel")
    except SlackFailure:
        return channel
    name = info.get("name")
    return f"#{name}" if name else channel

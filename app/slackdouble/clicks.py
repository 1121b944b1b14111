"""Where a click happens: the parts of a block_actions payload that say which message or view
was clicked, and the blocks the clicked element must be found in."""

from __future__ import annotations

from typing import Any

from app.slackdouble.double import SlackDouble

Found = tuple[dict[str, Any], list[dict[str, Any]]]


def on_message(double: SlackDouble, base: dict[str, Any], channel_id: str, ts: str) -> Found:
    """A click on a message (or an ephemeral) the person can see."""
    user_id = base["user"]["id"]
    payload = dict(base)
    channel = double.channel(channel_id)
    message = double.message(channel_id, ts)
    ephemeral = next((e for e in double.ephemerals(user_id) if e.ts == ts), None)
    if message is None and ephemeral is None:
        raise AssertionError(f"{user_id} sees no message {ts} in {channel_id}")
    container = {"type": "message", "message_ts": ts, "channel_id": channel_id}
    payload["container"] = {**container, "is_ephemeral": message is None}
    payload["channel"] = {"id": channel_id, "name": channel.name}
    payload["state"] = {"values": {}}
    payload["response_url"] = double.new_response_url(user_id, channel_id, ts)
    if message is not None:
        payload["message"] = message.to_slack()
        return payload, message.blocks
    assert ephemeral is not None
    return payload, ephemeral.blocks


def on_view(double: SlackDouble, base: dict[str, Any], view_id: str | None) -> Found:
    """A click in a modal, or on the person's Home tab when no view is named."""
    user_id = base["user"]["id"]
    view = double.view(view_id) if view_id else double.home(user_id)
    if view is None:
        raise AssertionError(f"click needs a message, a view or a Home tab for {user_id}")
    payload = {**base, "container": {"type": "view", "view_id": view["id"]}, "view": view}
    return payload, view.get("blocks", [])

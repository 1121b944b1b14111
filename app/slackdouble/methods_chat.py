"""chat.* methods: posting, editing, deleting, ephemerals and permalinks.

Message metadata: chat.postMessage keeps its `metadata`; it is never in events or answers,
only in conversations.history/replies asked with `include_all_metadata`
(methods_history.py). chat.postEphemeral takes none (Slack ignores the argument)."""

from __future__ import annotations

import json
from typing import Any

from app.slackdouble import messaging
from app.slackdouble.args import (
    Handler,
    bool_arg,
    find_channel,
    require_active,
    require_member,
    required_channel_id,
    text_arg,
)
from app.slackdouble.blockcheck import assign_missing_ids, message_block_errors
from app.slackdouble.errors import SlackError, invalid
from app.slackdouble.workspace import TEAM_DOMAIN, Channel, Message, Workspace

MAX_TEXT = 40_000
MAX_METADATA = 8_000  # a generous stand-in for Slack's undocumented size limit


def target_channel(ws: Workspace, args: dict[str, Any]) -> Channel:
    """The channel to post to: a channel id/name, or a user id meaning the bot's DM with them."""
    key = required_channel_id(args, "channel")
    if ws.person(key) is not None:
        return ws.dm_with(key)
    channel = ws.channel(key)
    if channel is None or (channel.is_private and ws.bot.id not in channel.members):
        raise SlackError("channel_not_found")
    require_active(channel)
    require_member(ws, channel)
    return channel


def content(ws: Workspace, args: dict[str, Any]) -> tuple[str | None, list[dict[str, Any]] | None]:
    """(text, blocks) from the arguments, checked like Slack checks them."""
    text, blocks = args.get("text"), args.get("blocks")
    if blocks is not None and not isinstance(blocks, list):
        raise SlackError("invalid_blocks_format")
    if text is not None and len(str(text)) > MAX_TEXT:
        raise SlackError("msg_too_long")
    if blocks:
        errors = message_block_errors(blocks)
        if errors:
            raise invalid("invalid_blocks", errors)
        blocks = assign_missing_ids(blocks, ws.ids.of("message"))
    return (None if text is None else str(text)), blocks


def _require_content(text: str | None, blocks: list[Any] | None, args: dict[str, Any]) -> None:
    if not text and not blocks and not args.get("attachments"):
        raise SlackError("no_text")


def _thread_root(channel: Channel, thread_ts: str) -> str | None:
    if not thread_ts:
        return None
    parent = channel.find(thread_ts)
    if parent is None:
        raise SlackError("thread_not_found")
    return parent.thread_ts if parent.is_reply else parent.ts


def message_metadata(args: dict[str, Any]) -> dict[str, Any] | None:
    """chat.postMessage's `metadata` (a JSON object, or its text in a form post), checked like
    Slack: an `event_type` string and an `event_payload` object."""
    value = args.get("metadata")
    if value in (None, ""):
        return None
    if isinstance(value, str):
        try:
            value = json.loads(value)
        except json.JSONDecodeError as exc:
            raise SlackError("invalid_metadata_format") from exc
    if not isinstance(value, dict):
        raise SlackError("invalid_metadata_format")
    if not isinstance(value.get("event_type"), str) or not value["event_type"]:
        raise SlackError("invalid_metadata_schema")
    if not isinstance(value.get("event_payload"), dict):
        raise SlackError("invalid_metadata_schema")
    if len(json.dumps(value)) > MAX_METADATA:
        raise SlackError("metadata_too_large")
    return {"event_type": value["event_type"], "event_payload": value["event_payload"]}


def post_message(ws: Workspace, args: dict[str, Any]) -> dict[str, Any]:
    channel = target_channel(ws, args)
    text, blocks = content(ws, args)
    _require_content(text, blocks, args)
    metadata = message_metadata(args)
    thread_ts = _thread_root(channel, text_arg(args, "thread_ts"))
    attachments = args.get("attachments")
    message = messaging.post(
        ws,
        channel,
        ws.bot.id,
        text=text or "",
        blocks=blocks,
        thread_ts=thread_ts,
        broadcast=bool_arg(args, "reply_broadcast"),
        extra={"attachments": attachments} if isinstance(attachments, list) else None,
    )
    message.metadata = metadata
    return {"channel": channel.id, "ts": message.ts, "message": message.to_slack()}


def _own_message(ws: Workspace, args: dict[str, Any], ts_name: str, error: str) -> Message:
    channel = find_channel(ws, args)
    message = channel.find(text_arg(args, ts_name))
    if message is None:
        raise SlackError("message_not_found")
    if message.user != ws.bot.id:
        raise SlackError(error)
    return message


def update(ws: Workspace, args: dict[str, Any]) -> dict[str, Any]:
    message = _own_message(ws, args, "ts", "cant_update_message")
    channel = ws.channels[message.channel]
    require_active(channel)
    text, blocks = content(ws, args)
    _require_content(text, blocks, args)
    messaging.edit(ws, channel, message, ws.bot.id, text=text, blocks=blocks)
    result = {"channel": channel.id, "ts": message.ts, "text": message.text}
    return {**result, "message": message.to_slack()}


def delete(ws: Workspace, args: dict[str, Any]) -> dict[str, Any]:
    message = _own_message(ws, args, "ts", "cant_delete_message")
    channel = ws.channels[message.channel]
    messaging.delete(ws, channel, message, ws.bot.id)
    return {"channel": channel.id, "ts": message.ts}


def post_ephemeral(ws: Workspace, args: dict[str, Any]) -> dict[str, Any]:
    channel = target_channel(ws, args)
    user_id = text_arg(args, "user")
    if ws.person(user_id) is None:
        raise SlackError("user_not_found")
    if user_id not in channel.members:
        raise SlackError("user_not_in_channel")
    text, blocks = content(ws, args)
    _require_content(text, blocks, args)
    thread_ts = text_arg(args, "thread_ts") or None
    ephemeral = messaging.post_ephemeral(
        ws, channel, user_id, text=text or "", blocks=blocks, thread_ts=thread_ts
    )
    return {"message_ts": ephemeral.ts}


def permalink_for(channel_id: str, message: Message) -> str:
    url = f"https://{TEAM_DOMAIN}.slack.com/archives/{channel_id}/p{message.ts.replace('.', '')}"
    if message.is_reply:
        url += f"?thread_ts={message.thread_ts}&cid={channel_id}"
    return url


def get_permalink(ws: Workspace, args: dict[str, Any]) -> dict[str, Any]:
    channel = find_channel(ws, args)
    message = channel.find(text_arg(args, "message_ts"))
    if message is None:
        raise SlackError("message_not_found")
    return {"channel": channel.id, "permalink": permalink_for(channel.id, message)}


METHODS: dict[str, Handler] = {
    "chat.postMessage": post_message,
    "chat.update": update,
    "chat.delete": delete,
    "chat.postEphemeral": post_ephemeral,
    "chat.getPermalink": get_permalink,
}

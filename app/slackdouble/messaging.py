"""Changes to channel contents shared by the API handlers and the human-side actions.

Every change emits the Slack-shaped event and records what people would see.
"""

from __future__ import annotations

import copy
from collections.abc import Sequence
from typing import Any

from app.slackdouble import connect
from app.slackdouble.render import render_blocks, render_text
from app.slackdouble.workspace import (
    SYSTEM_SUBTYPES,
    Channel,
    Ephemeral,
    Message,
    SlackFile,
    Visible,
    Workspace,
)


def visible_text(
    ws: Workspace, text: str, blocks: list[dict[str, Any]] | None, files: Sequence[SlackFile] = ()
) -> str:
    users, channels = ws.names()
    shown = [b for b in blocks or [] if b.get("type") != "rich_text"]
    rendered = render_blocks(shown, users=users, channels=channels) if shown else ""
    rendered = rendered or render_text(text, users=users, channels=channels)
    attached = [f"[file: {f.name}]" for f in files]
    return "\n".join(part for part in [rendered, *attached] if part)


def record(
    ws: Workspace,
    kind: str,
    author_id: str,
    where: str,
    text: str,
    *,
    ts: str,
    channel_id: str | None = None,
    audience_id: str | None = None,
    thread_ts: str | None = None,
) -> None:
    audience = ws.display_name(audience_id) if audience_id else None
    author = ws.display_name(author_id)
    entry = Visible(kind, author, where, text, ts, audience, channel_id, thread_ts)
    ws.timeline.append(entry)


def message_event(channel: Channel, message: Message) -> dict[str, Any]:
    event = message.to_slack()
    for key in ("reply_count", "reply_users", "reply_users_count", "latest_reply"):
        event.pop(key, None)
    event.update(channel=channel.id, channel_type=channel.event_type, event_ts=message.ts)
    return event


def post(
    ws: Workspace,
    channel: Channel,
    user_id: str,
    *,
    text: str,
    blocks: list[dict[str, Any]] | None = None,
    thread_ts: str | None = None,
    broadcast: bool = False,
    files: Sequence[SlackFile] = (),
    subtype: str | None = None,
    extra: dict[str, Any] | None = None,
) -> Message:
    user = ws.users.get(user_id)
    message = Message(ws.next_ts(), channel.id, user_id, text, list(blocks or []))
    message.bot_id = user.bot_id if user else None
    message.files = list(files)
    message.subtype = subtype or ("file_share" if files else None)
    message.extra = {**connect.author_fields(ws, channel, user_id), **(extra or {})}
    parent = channel.find(thread_ts) if thread_ts else None
    if parent is not None and parent.is_reply and parent.thread_ts:
        parent = channel.find(parent.thread_ts)
    if parent is not None:
        _attach_reply(parent, message)
        message.subtype = "thread_broadcast" if broadcast else message.subtype
    channel.messages.append(message)
    for f in files:
        f.message_ts = message.ts
        f.channels.append(channel.id)
    ws.emit(message_event(channel, message))
    if message.subtype not in SYSTEM_SUBTYPES:
        _record_post(ws, channel, message)
    return message


def _attach_reply(parent: Message, reply: Message) -> None:
    parent.thread_ts = parent.ts
    reply.thread_ts = parent.ts
    reply.parent_user_id = parent.user
    parent.reply_count += 1
    parent.latest_reply = reply.ts
    if reply.user not in parent.reply_users:
        parent.reply_users.append(reply.user)


def _record_post(ws: Workspace, channel: Channel, message: Message) -> None:
    kind = "reply" if message.is_reply else "dm" if channel.is_im else "post"
    text = visible_text(ws, message.text, message.blocks, message.files)
    record(
        ws,
        kind,
        message.user,
        ws.where(channel),
        text,
        ts=message.ts,
        channel_id=channel.id,
        thread_ts=message.thread_ts if message.is_reply else None,
    )


def edit(
    ws: Workspace,
    channel: Channel,
    message: Message,
    editor_id: str,
    *,
    text: str | None = None,
    blocks: list[dict[str, Any]] | None = None,
) -> Message:
    previous = message.to_slack()
    message.history.append(previous)
    if text is not None:
        message.text = text
    if blocks is not None:
        message.blocks = list(blocks)
    event_ts = ws.next_ts()
    message.edited = {"user": editor_id, "ts": event_ts}
    event = {"type": "message", "subtype": "message_changed", "hidden": True}
    event.update(channel=channel.id, channel_type=channel.event_type, ts=event_ts)
    event.update(event_ts=event_ts, message=message.to_slack(), previous_message=previous)
    ws.emit(event)
    shown = visible_text(ws, message.text, message.blocks, message.files)
    record(ws, "edit", editor_id, ws.where(channel), shown, ts=event_ts, channel_id=channel.id)
    return message


def delete(ws: Workspace, channel: Channel, message: Message, actor_id: str) -> None:
    previous = message.to_slack()
    if message.reply_count:
        message.subtype, message.text, message.blocks = "tombstone", "This message was deleted.", []
        message.files = []
    else:
        message.deleted = True
        _detach_reply(channel, message)
    if message.ts in channel.pins:
        channel.pins.remove(message.ts)
    event_ts = ws.next_ts()
    event = {"type": "message", "subtype": "message_deleted", "hidden": True}
    event.update(channel=channel.id, channel_type=channel.event_type, ts=event_ts)
    event.update(event_ts=event_ts, deleted_ts=message.ts, previous_message=previous)
    ws.emit(event)
    shown = visible_text(ws, previous.get("text", ""), previous.get("blocks"))
    record(ws, "delete", actor_id, ws.where(channel), shown, ts=event_ts, channel_id=channel.id)


def _detach_reply(channel: Channel, reply: Message) -> None:
    parent = channel.find(reply.thread_ts) if reply.is_reply and reply.thread_ts else None
    if parent is None:
        return
    replies = [m for m in channel.messages if m.thread_ts == parent.ts and m.is_reply]
    replies = [m for m in replies if not m.deleted]
    parent.reply_count = len(replies)
    parent.latest_reply = replies[-1].ts if replies else None
    parent.reply_users = list(dict.fromkeys(m.user for m in replies))


def join(ws: Workspace, channel: Channel, user_id: str, inviter: str | None = None) -> Message:
    connect.admit(ws, channel, user_id)
    channel.members.append(user_id)
    event: dict[str, Any] = {"type": "member_joined_channel", "user": user_id}
    event.update(channel=channel.id, channel_type="G" if channel.is_private else "C")
    if inviter:
        event["inviter"] = inviter
    event.update(team=connect.home_team(ws, user_id), event_ts=ws.next_ts())
    ws.emit(event)
    extra = {"inviter": inviter} if inviter else None
    text = f"<@{user_id}> has joined the channel"
    message = post(ws, channel, user_id, text=text, subtype="channel_join", extra=extra)
    record(ws, "join", user_id, ws.where(channel), "", ts=message.ts, channel_id=channel.id)
    return message


def leave(ws: Workspace, channel: Channel, user_id: str) -> Message:
    """Someone leaves (or is removed from) a channel: member_left_channel and channel_leave."""
    channel.members.remove(user_id)
    event: dict[str, Any] = {"type": "member_left_channel", "user": user_id}
    event.update(channel=channel.id, channel_type="G" if channel.is_private else "C")
    event["event_ts"] = ws.next_ts()
    ws.emit(event)
    text = f"<@{user_id}> has left the channel"
    message = post(ws, channel, user_id, text=text, subtype="channel_leave")
    record(ws, "leave", user_id, ws.where(channel), "", ts=message.ts, channel_id=channel.id)
    return message


def set_info(ws: Workspace, channel: Channel, field: str, value: str, actor_id: str) -> None:
    """Set a channel's topic or purpose, posting Slack's system message."""
    setattr(channel, field, value)
    text = f"<@{actor_id}> set the channel {field}: {value}"
    message = post(ws, channel, actor_id, text=text, subtype=f"channel_{field}")
    record(ws, field, actor_id, ws.where(channel), value, ts=message.ts, channel_id=channel.id)


def post_ephemeral(
    ws: Workspace,
    channel: Channel,
    user_id: str,
    *,
    text: str,
    blocks: list[dict[str, Any]] | None = None,
    thread_ts: str | None = None,
    source: str = "chat.postEphemeral",
) -> Ephemeral:
    ts = ws.next_ts()
    ephemeral = Ephemeral(user_id, channel.id, ts, text, copy.deepcopy(blocks or []))
    ephemeral.thread_ts, ephemeral.source = thread_ts, source
    ws.ephemerals.append(ephemeral)
    shown = visible_text(ws, text, blocks)
    where = ws.where(channel)
    record(
        ws, "ephemeral", ws.bot.id, where, shown, ts=ts, channel_id=channel.id, audience_id=user_id
    )
    return ephemeral

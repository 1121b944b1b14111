"""What the people in the workspace do: post, edit, delete, upload and join."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from app.slackdouble import messaging
from app.slackdouble.methods_files import new_file
from app.slackdouble.workspace import Channel, Message, SlackFile, Workspace

FileSpec = tuple[str, bytes, str]
"""(filename, content, mimetype) of a file a person attaches to a message."""


def person(ws: Workspace, user_id: str) -> str:
    user = ws.users.get(user_id)
    if user is None:
        raise ValueError(f"unknown user {user_id!r}")
    if user.deleted:
        raise ValueError(f"user {user_id} is deactivated")
    return user_id


def channel_for(ws: Workspace, user_id: str, channel: str) -> Channel:
    """A channel id or #name, or the bot's user id meaning the person's DM with the bot."""
    if channel == ws.bot.id:
        return ws.dm_with(user_id)
    found = ws.channels.get(channel) or ws.channel_by_name(channel)
    if found is None:
        raise ValueError(f"unknown channel {channel!r}")
    if user_id not in found.members:
        raise ValueError(f"{user_id} is not a member of {ws.where(found)}")
    if found.is_archived:
        raise ValueError(f"{ws.where(found)} is archived")
    return found


def rich_text(ws: Workspace, text: str) -> list[dict[str, Any]]:
    """The rich_text block Slack clients attach to what people type."""
    leaf = {"type": "text", "text": text}
    section = {"type": "rich_text_section", "elements": [leaf]}
    block_id = ws.ids.of("typed").token_urlsafe(4)
    return [{"type": "rich_text", "block_id": block_id, "elements": [section]}]


def post_as(
    ws: Workspace,
    user_id: str,
    channel: str,
    text: str,
    *,
    thread_ts: str | None = None,
    files: Sequence[FileSpec] | None = None,
) -> str:
    target = channel_for(ws, person(ws, user_id), channel)
    if thread_ts and target.find(thread_ts) is None:
        raise ValueError(f"no message {thread_ts} in {ws.where(target)}")
    attached = [_file(ws, user_id, spec) for spec in files or ()]
    extra = {"client_msg_id": ws.ids.of("typed").uuid4()}
    message = messaging.post(
        ws,
        target,
        user_id,
        text=text,
        blocks=rich_text(ws, text) if text else None,
        thread_ts=thread_ts,
        files=attached,
        extra=extra,
    )
    return message.ts


def _file(ws: Workspace, user_id: str, spec: FileSpec) -> SlackFile:
    filename, content, mimetype = spec
    return new_file(ws, filename, user_id, size=len(content), mimetype=mimetype, content=content)


def _own(ws: Workspace, user_id: str, channel: str, ts: str) -> tuple[Channel, Message]:
    target = channel_for(ws, person(ws, user_id), channel)
    message = target.find(ts)
    if message is None:
        raise ValueError(f"no message {ts} in {ws.where(target)}")
    user = ws.users[user_id]
    if message.user != user_id and not (user.is_admin or user.is_owner):
        raise ValueError(f"{user_id} may not change {message.user}'s message")
    return target, message


def edit_as(ws: Workspace, user_id: str, channel: str, ts: str, new_text: str) -> None:
    target, message = _own(ws, user_id, channel, ts)
    messaging.edit(ws, target, message, user_id, text=new_text, blocks=rich_text(ws, new_text))


def delete_as(ws: Workspace, user_id: str, channel: str, ts: str) -> None:
    target, message = _own(ws, user_id, channel, ts)
    messaging.delete(ws, target, message, user_id)


def upload_as(
    ws: Workspace,
    user_id: str,
    channel: str,
    filename: str,
    content: bytes,
    mimetype: str,
    *,
    initial_comment: str = "",
    thread_ts: str | None = None,
) -> SlackFile:
    spec = (filename, content, mimetype)
    ts = post_as(ws, user_id, channel, initial_comment, thread_ts=thread_ts, files=[spec])
    target = channel_for(ws, user_id, channel)
    message = target.find(ts)
    assert message is not None
    return message.files[0]


def join_as(ws: Workspace, user_id: str, channel: str) -> None:
    found = ws.channels.get(channel) or ws.channel_by_name(channel)
    if found is None or found.is_im:
        raise ValueError(f"unknown channel {channel!r}")
    if user_id not in found.members:
        messaging.join(ws, found, person(ws, user_id))


def leave_as(ws: Workspace, user_id: str, channel: str) -> None:
    found = ws.channels.get(channel) or ws.channel_by_name(channel)
    if found is None or found.is_im:
        raise ValueError(f"unknown channel {channel!r}")
    if user_id in found.members:
        messaging.leave(ws, found, person(ws, user_id))

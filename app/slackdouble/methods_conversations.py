"""conversations.* methods that create, join, describe and change channels."""

from __future__ import annotations

import re
from typing import Any

from app.slackdouble import messaging
from app.slackdouble.args import (
    Handler,
    bool_arg,
    find_channel,
    list_arg,
    page_metadata,
    paginate,
    require_active,
    require_member,
    required_channel_id,
    text_arg,
)
from app.slackdouble.errors import SlackError
from app.slackdouble.workspace import Channel, Workspace

_NAME = re.compile(r"^[a-z0-9_-]+$")
MAX_TOPIC = 250


def create(ws: Workspace, args: dict[str, Any]) -> dict[str, Any]:
    name = text_arg(args, "name")
    if not name:
        raise SlackError("invalid_name_required")
    if len(name) > 80:
        raise SlackError("invalid_name_maxlength")
    if not _NAME.match(name):
        raise SlackError("invalid_name_specials")
    taken = ws.channel_by_name(name)
    if taken is not None and taken.teams[:1] == [ws.team_id]:
        raise SlackError("name_taken")
    private = bool_arg(args, "is_private")
    channel = ws.create_channel(name, is_private=private, creator=ws.bot.id)
    messaging.record(
        ws, "created", ws.bot.id, ws.where(channel), "", ts=ws.next_ts(), channel_id=channel.id
    )
    return {"channel": channel.to_slack(ws.bot.id)}


def invite(ws: Workspace, args: dict[str, Any]) -> dict[str, Any]:
    channel = _group_channel(ws, args)
    require_active(channel)
    require_member(ws, channel)
    user_ids = list(dict.fromkeys(list_arg(args, "users")))
    if not user_ids:
        raise SlackError("no_user")
    single = len(user_ids) == 1
    errors = [e for e in (_invite_error(ws, channel, u, single) for u in user_ids) if e]
    if errors:
        extra = {} if single else {"errors": errors}
        raise SlackError(errors[0]["error"], **extra)
    for user_id in user_ids:
        if user_id not in channel.members:
            messaging.join(ws, channel, user_id, inviter=ws.bot.id)
    return {"channel": channel.to_slack(ws.bot.id)}


def _invite_error(
    ws: Workspace, channel: Channel, user_id: str, single: bool
) -> dict[str, Any] | None:
    user = ws.person(user_id)
    error = None
    if user is None:
        error = "user_not_found"
    elif user_id == ws.bot.id:
        error = "cant_invite_self"
    elif user.deleted:
        error = "user_is_deactivated"
    elif single and user_id in channel.members:
        error = "already_in_channel"
    return {"user": user_id, "ok": False, "error": error} if error else None


def _group_channel(ws: Workspace, args: dict[str, Any]) -> Channel:
    channel = find_channel(ws, args)
    if channel.is_im:
        raise SlackError("method_not_supported_for_channel_type")
    return channel


def _set_info(ws: Workspace, args: dict[str, Any], field: str) -> dict[str, Any]:
    channel = _group_channel(ws, args)
    require_active(channel)
    require_member(ws, channel)
    value = text_arg(args, field)
    if len(value) > MAX_TOPIC:
        raise SlackError("too_long")
    messaging.set_info(ws, channel, field, value, ws.bot.id)
    return {"channel": channel.to_slack(ws.bot.id), field: value}


def set_topic(ws: Workspace, args: dict[str, Any]) -> dict[str, Any]:
    return _set_info(ws, args, "topic")


def set_purpose(ws: Workspace, args: dict[str, Any]) -> dict[str, Any]:
    return _set_info(ws, args, "purpose")


def info(ws: Workspace, args: dict[str, Any]) -> dict[str, Any]:
    return {"channel": find_channel(ws, args).to_slack(ws.bot.id)}


def members(ws: Workspace, args: dict[str, Any]) -> dict[str, Any]:
    channel = find_channel(ws, args)
    page, next_cursor = paginate(channel.members, args)
    return {"members": page, **page_metadata(next_cursor)}


def join(ws: Workspace, args: dict[str, Any]) -> dict[str, Any]:
    key = required_channel_id(args, "channel")
    channel = ws.channel(key)
    if channel is None:
        raise SlackError("channel_not_found")
    if channel.is_private or channel.is_im:
        raise SlackError("method_not_supported_for_channel_type")
    require_active(channel)
    if ws.bot.id in channel.members:
        warning = {"warning": "already_in_channel"}
        return {"channel": channel.to_slack(ws.bot.id), **warning}
    messaging.join(ws, channel, ws.bot.id)
    return {"channel": channel.to_slack(ws.bot.id)}


def archive(ws: Workspace, args: dict[str, Any]) -> dict[str, Any]:
    channel = _group_channel(ws, args)
    if channel.is_archived:
        raise SlackError("already_archived")
    require_member(ws, channel)
    messaging.post(ws, channel, ws.bot.id, text="archived the channel", subtype="channel_archive")
    channel.is_archived = True
    where = ws.where(channel)
    messaging.record(ws, "archived", ws.bot.id, where, "", ts=ws.next_ts(), channel_id=channel.id)
    return {}


def open_dm(ws: Workspace, args: dict[str, Any]) -> dict[str, Any]:
    user_ids = list_arg(args, "users")
    if len(user_ids) != 1:
        raise SlackError("not_enough_users" if not user_ids else "method_not_supported")
    if ws.person(user_ids[0]) is None:
        raise SlackError("user_not_found")
    channel = ws.dm_with(user_ids[0])
    full = bool_arg(args, "return_im")
    return {"channel": channel.to_slack(ws.bot.id) if full else {"id": channel.id}}


def list_channels(ws: Workspace, args: dict[str, Any]) -> dict[str, Any]:
    types = set(list_arg(args, "types") or ["public_channel"])
    skip_archived = bool_arg(args, "exclude_archived")
    visible = [c for c in ws.channels.values() if _listed(ws, c, types, skip_archived)]
    page, next_cursor = paginate(visible, args)
    channels = [c.to_slack(ws.bot.id) for c in page]
    return {"channels": channels, **page_metadata(next_cursor)}


def user_conversations(ws: Workspace, args: dict[str, Any]) -> dict[str, Any]:
    """users.conversations: a person's channels; private ones only where the bot is a member
    too (Slack lists non-public membership only where the caller shares it)."""
    user_id = text_arg(args, "user") or ws.bot.id
    if ws.person(user_id) is None:
        raise SlackError("user_not_found")
    types = set(list_arg(args, "types") or ["public_channel"])
    skip_archived = bool_arg(args, "exclude_archived")
    found = [
        c
        for c in ws.channels.values()
        if user_id in c.members and _listed(ws, c, types, skip_archived)
    ]
    page, next_cursor = paginate(found, args)
    channels = [c.to_slack(ws.bot.id) for c in page]
    for channel in channels:  # Slack omits these two fields in this method
        channel.pop("is_member", None)
        channel.pop("num_members", None)
    return {"channels": channels, **page_metadata(next_cursor)}


def _listed(ws: Workspace, channel: Channel, types: set[str], skip_archived: bool) -> bool:
    if not ws.sees(channel) or ws.team_id not in channel.teams:
        return False
    if skip_archived and channel.is_archived:
        return False
    if channel.is_im:
        return "im" in types
    if channel.is_private:
        return "private_channel" in types and ws.bot.id in channel.members
    return "public_channel" in types


METHODS: dict[str, Handler] = {
    "conversations.create": create,
    "conversations.invite": invite,
    "conversations.setTopic": set_topic,
    "conversations.setPurpose": set_purpose,
    "conversations.info": info,
    "conversations.members": members,
    "conversations.join": join,
    "conversations.archive": archive,
    "conversations.open": open_dm,
    "conversations.list": list_channels,
    "users.conversations": user_conversations,
}

"""auth.test, users.*, usergroups.users.list and pins.* methods."""

from __future__ import annotations

import time
from typing import Any

from app.slackdouble import grid, messaging
from app.slackdouble.args import (
    Handler,
    find_channel,
    page_metadata,
    paginate,
    require_member,
    text_arg,
)
from app.slackdouble.errors import SlackError
from app.slackdouble.workspace import Workspace


def auth_test(ws: Workspace, args: dict[str, Any]) -> dict[str, Any]:
    return grid.auth_test(ws)


def users_info(ws: Workspace, args: dict[str, Any]) -> dict[str, Any]:
    user = ws.person(text_arg(args, "user"))  # not someone of an unrelated workspace
    if user is None:
        raise SlackError("user_not_found")
    return {"user": grid.user_json(ws, user)}


def users_list(ws: Workspace, args: dict[str, Any]) -> dict[str, Any]:
    ours = [u for u in ws.users.values() if ws.home_of(u.id) == ws.team_id]  # not partners
    page, next_cursor = paginate(ours, args, default_limit=200)
    members = [grid.user_json(ws, u) for u in page]
    return {"members": members, "cache_ts": int(time.time()), **page_metadata(next_cursor)}


def usergroups_users_list(ws: Workspace, args: dict[str, Any]) -> dict[str, Any]:
    members = ws.usergroups.get(text_arg(args, "usergroup"))
    if members is None:
        raise SlackError("no_such_subteam")
    return {"users": list(members)}


def pins_add(ws: Workspace, args: dict[str, Any]) -> dict[str, Any]:
    channel = find_channel(ws, args)
    require_member(ws, channel)
    message = channel.find(text_arg(args, "timestamp"))
    if message is None:
        raise SlackError("message_not_found")
    if message.ts in channel.pins:
        raise SlackError("already_pinned")
    channel.pins.append(message.ts)
    shown = messaging.visible_text(ws, message.text, message.blocks, message.files)
    where = ws.where(channel)
    messaging.record(ws, "pin", ws.bot.id, where, shown, ts=ws.next_ts(), channel_id=channel.id)
    return {}


def pins_remove(ws: Workspace, args: dict[str, Any]) -> dict[str, Any]:
    channel = find_channel(ws, args)
    require_member(ws, channel)
    ts = text_arg(args, "timestamp")
    if ts not in channel.pins:
        raise SlackError("no_pin")
    channel.pins.remove(ts)
    return {}


def pins_list(ws: Workspace, args: dict[str, Any]) -> dict[str, Any]:
    channel = find_channel(ws, args)
    items = []
    for ts in channel.pins:
        message = channel.find(ts)
        if message is not None:
            item = {"type": "message", "channel": channel.id, "created_by": ws.bot.id}
            items.append({**item, "message": message.to_slack()})
    return {"items": items}


METHODS: dict[str, Handler] = {
    "auth.test": auth_test,
    "users.info": users_info,
    "users.list": users_list,
    "usergroups.users.list": usergroups_users_list,
    "pins.add": pins_add,
    "pins.remove": pins_remove,
    "pins.list": pins_list,
}

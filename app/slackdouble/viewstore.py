"""Trigger ids, modal stacks and Home tabs: the view state the views.* methods change."""

from __future__ import annotations

import copy
from typing import Any

from app.slackdouble import messaging
from app.slackdouble.blockcheck import assign_missing_ids, view_errors
from app.slackdouble.errors import SlackError, invalid
from app.slackdouble.render import render_blocks
from app.slackdouble.workspace import Trigger, Workspace

TRIGGER_TTL_SECONDS = 3.0
MAX_STACK = 3
APP_ID = "A0CRISIS"


def issue_trigger(ws: Workspace, user_id: str) -> str:
    secret = ws.ids.of("trigger").token_hex(16)
    trigger_id = f"{int(ws.wall() * 1_000_000)}.{len(ws.triggers) + 1}.{secret}"
    ws.triggers[trigger_id] = Trigger(user_id, ws.clock())
    return trigger_id


def check_trigger(ws: Workspace, trigger_id: str) -> Trigger:
    trigger = ws.triggers.get(trigger_id)
    if trigger is None:
        raise SlackError("invalid_trigger_id")
    if trigger.used:
        raise SlackError("exchanged_trigger_id")
    if ws.clock() - trigger.issued_at > TRIGGER_TTL_SECONDS:
        raise SlackError("expired_trigger_id")
    return trigger


def checked_view(view: Any) -> dict[str, Any]:
    """The view argument, or invalid_arguments explaining what Slack would reject."""
    if view is None:
        raise invalid("invalid_arguments", ["[ERROR] missing required field: view"])
    errors = view_errors(view)
    if errors:
        raise invalid("invalid_arguments", errors)
    return dict(view)


def find_view(ws: Workspace, view_id: str = "", external_id: str = "") -> dict[str, Any] | None:
    if view_id:
        return ws.views.get(view_id)
    if external_id:
        return next((v for v in ws.views.values() if v.get("external_id") == external_id), None)
    return None


def open_root(ws: Workspace, user_id: str, view: dict[str, Any]) -> dict[str, Any]:
    stored = _store(ws, user_id, view)
    ws.view_stacks[user_id] = [stored["id"]]
    _record(ws, "modal", user_id, stored)
    return copy.deepcopy(stored)


def push(ws: Workspace, user_id: str, view: dict[str, Any]) -> dict[str, Any]:
    stack = ws.view_stacks.setdefault(user_id, [])
    if len(stack) >= MAX_STACK:
        raise SlackError("push_limit_reached")
    previous = stack[-1] if stack else None
    root = stack[0] if stack else None
    stored = _store(ws, user_id, view, previous_view_id=previous, root_view_id=root)
    stack.append(stored["id"])
    _record(ws, "modal", user_id, stored)
    return copy.deepcopy(stored)


def replace(ws: Workspace, view_id: str, view: dict[str, Any]) -> dict[str, Any]:
    old = ws.views[view_id]
    user_id = ws.view_owner[view_id]
    keep = {k: old.get(k) for k in ("previous_view_id", "root_view_id")}
    stored = _store(ws, user_id, view, view_id=view_id, **keep)
    _record(ws, "home" if stored["type"] == "home" else "modal_update", user_id, stored)
    return copy.deepcopy(stored)


def pop(ws: Workspace, user_id: str, view_id: str) -> None:
    stack = ws.view_stacks.get(user_id, [])
    if view_id in stack:
        stack.remove(view_id)


def clear(ws: Workspace, user_id: str) -> None:
    ws.view_stacks[user_id] = []


def publish_home(ws: Workspace, user_id: str, view: dict[str, Any]) -> dict[str, Any]:
    stored = _store(ws, user_id, view, view_id=ws.homes.get(user_id))
    ws.homes[user_id] = stored["id"]
    _record(ws, "home", user_id, stored)
    return copy.deepcopy(stored)


def _store(
    ws: Workspace,
    user_id: str,
    view: dict[str, Any],
    *,
    view_id: str | None = None,
    previous_view_id: str | None = None,
    root_view_id: str | None = None,
) -> dict[str, Any]:
    view_id = view_id or ws.new_id("V")
    stored: dict[str, Any] = {
        "id": view_id,
        "team_id": ws.team_id,
        "type": view.get("type", "modal"),
        "callback_id": view.get("callback_id", ""),
        "private_metadata": view.get("private_metadata", ""),
        "external_id": view.get("external_id", ""),
        "blocks": assign_missing_ids(view.get("blocks", []), ws.ids.of("view")),
        "state": {"values": {}},
        "hash": f"{int(ws.wall())}.{ws.ids.of('view').token_hex(4)}",
        "clear_on_close": bool(view.get("clear_on_close", False)),
        "notify_on_close": bool(view.get("notify_on_close", False)),
        "previous_view_id": previous_view_id,
        "root_view_id": root_view_id or view_id,
        "app_id": APP_ID,
        "bot_id": ws.bot.bot_id,
    }
    stored.update({k: copy.deepcopy(view[k]) for k in ("title", "submit", "close") if k in view})
    ws.views[view_id] = stored
    ws.view_owner[view_id] = user_id
    return stored


def _record(ws: Workspace, kind: str, user_id: str, view: dict[str, Any]) -> None:
    users, channels = ws.names()
    text = render_blocks(view.get("blocks", []), users=users, channels=channels)
    title = (view.get("title") or {}).get("text", "")
    where = "Home tab" if view["type"] == "home" else f'modal "{title}"'
    messaging.record(ws, kind, ws.bot.id, where, text, ts=ws.next_ts(), audience_id=user_id)

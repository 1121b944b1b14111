"""views.* methods: modals opened by trigger id, pushed, updated; Home tabs published."""

from __future__ import annotations

from typing import Any

from app.slackdouble import viewstore
from app.slackdouble.args import Handler, text_arg
from app.slackdouble.errors import SlackError, invalid
from app.slackdouble.workspace import Workspace


def views_open(ws: Workspace, args: dict[str, Any]) -> dict[str, Any]:
    trigger = viewstore.check_trigger(ws, text_arg(args, "trigger_id"))
    view = _modal(args)
    trigger.used = True
    return {"view": viewstore.open_root(ws, trigger.user_id, view)}


def views_push(ws: Workspace, args: dict[str, Any]) -> dict[str, Any]:
    trigger = viewstore.check_trigger(ws, text_arg(args, "trigger_id"))
    view = _modal(args)
    stored = viewstore.push(ws, trigger.user_id, view)
    trigger.used = True
    return {"view": stored}


def views_update(ws: Workspace, args: dict[str, Any]) -> dict[str, Any]:
    view_id, external_id = text_arg(args, "view_id"), text_arg(args, "external_id")
    if not view_id and not external_id:
        raise invalid("invalid_arguments", ["[ERROR] view_id or external_id is required"])
    current = viewstore.find_view(ws, view_id, external_id)
    if current is None:
        raise SlackError("not_found")
    _check_hash(args, current)
    view = viewstore.checked_view(args.get("view"))
    return {"view": viewstore.replace(ws, current["id"], view)}


def views_publish(ws: Workspace, args: dict[str, Any]) -> dict[str, Any]:
    user_id = text_arg(args, "user_id")
    if ws.person(user_id) is None:
        raise SlackError("user_not_found")
    view = viewstore.checked_view(args.get("view"))
    if view.get("type") != "home":
        raise invalid("invalid_arguments", ["[ERROR] must be home [json-pointer:/view/type]"])
    current_id = ws.homes.get(user_id)
    if current_id:
        _check_hash(args, ws.views[current_id])
    return {"view": viewstore.publish_home(ws, user_id, view)}


def _modal(args: dict[str, Any]) -> dict[str, Any]:
    view = viewstore.checked_view(args.get("view"))
    if view.get("type") != "modal":
        raise invalid("invalid_arguments", ["[ERROR] must be modal [json-pointer:/view/type]"])
    return view


def _check_hash(args: dict[str, Any], current: dict[str, Any]) -> None:
    given = text_arg(args, "hash")
    if given and given != current.get("hash"):
        raise SlackError("hash_conflict")


METHODS: dict[str, Handler] = {
    "views.open": views_open,
    "views.push": views_push,
    "views.update": views_update,
    "views.publish": views_publish,
}

"""Reading Web API arguments the way Slack does, and cursor pagination."""

from __future__ import annotations

import base64
import binascii
import contextlib
import json
from collections.abc import Callable, Sequence
from typing import Any, TypeVar

from app.slackdouble.errors import SlackError
from app.slackdouble.workspace import Channel, Workspace

T = TypeVar("T")
Handler = Callable[[Workspace, dict[str, Any]], dict[str, Any]]

JSON_FIELDS = ("blocks", "attachments", "view", "files")


def decode_json_fields(args: dict[str, Any]) -> dict[str, Any]:
    """Form posts carry blocks/view/... as JSON strings; decode them when they parse."""
    out = dict(args)
    for name in JSON_FIELDS:
        value = out.get(name)
        if isinstance(value, str) and value.strip()[:1] in ("[", "{"):
            with contextlib.suppress(json.JSONDecodeError):
                out[name] = json.loads(value)
    return out


def text_arg(args: dict[str, Any], name: str, default: str = "") -> str:
    value = args.get(name)
    return default if value is None else str(value)


def required(args: dict[str, Any], name: str) -> str:
    value = text_arg(args, name)
    if not value:
        raise SlackError(
            "invalid_arguments",
            response_metadata={"messages": [f"[ERROR] missing required field: {name}"]},
        )
    return value


def bool_arg(args: dict[str, Any], name: str) -> bool:
    return args.get(name) in (True, 1, "1", "true", "True")


def int_arg(args: dict[str, Any], name: str, default: int) -> int:
    value = args.get(name)
    if value in (None, ""):
        return default
    try:
        return int(str(value))
    except ValueError as exc:
        raise SlackError("invalid_arguments") from exc


def list_arg(args: dict[str, Any], name: str) -> list[str]:
    value = args.get(name)
    if isinstance(value, list):
        return [str(v) for v in value]
    return [part.strip() for part in text_arg(args, name).split(",") if part.strip()]


def encode_cursor(kind: str, value: str | int) -> str:
    return base64.b64encode(f"{kind}:{value}".encode()).decode()


def decode_cursor(cursor: str, kind: str) -> str | None:
    if not cursor:
        return None
    try:
        prefix, _, value = base64.b64decode(cursor.encode(), validate=True).decode().partition(":")
    except (binascii.Error, UnicodeDecodeError) as exc:
        raise SlackError("invalid_cursor") from exc
    if prefix != kind:
        raise SlackError("invalid_cursor")
    return value


def paginate(
    items: Sequence[T], args: dict[str, Any], *, default_limit: int = 100
) -> tuple[list[T], str]:
    """Offset pagination with an opaque cursor: (page, next_cursor or "")."""
    offset = decode_cursor(text_arg(args, "cursor"), "offset") or "0"
    if not offset.isdigit():
        raise SlackError("invalid_cursor")
    start = int(offset)
    limit = int_arg(args, "limit", default_limit) or default_limit
    end = start + limit
    next_cursor = encode_cursor("offset", end) if end < len(items) else ""
    return list(items[start:end]), next_cursor


def page_metadata(next_cursor: str) -> dict[str, Any]:
    return {"response_metadata": {"next_cursor": next_cursor}}


def find_channel(ws: Workspace, args: dict[str, Any], name: str = "channel") -> Channel:
    """The channel named by an argument, as the bot may see it (else channel_not_found)."""
    key = required_channel_id(args, name)
    channel = ws.channel(key)  # only the acting installation's workspaces' channels
    if channel is None or (channel.is_private and ws.bot.id not in channel.members):
        raise SlackError("channel_not_found")
    return channel


def required_channel_id(args: dict[str, Any], name: str) -> str:
    value = text_arg(args, name)
    if not value:
        raise SlackError("channel_not_found")
    return value


def require_member(ws: Workspace, channel: Channel) -> None:
    if ws.bot.id not in channel.members:
        raise SlackError("not_in_channel")


def require_active(channel: Channel) -> None:
    if channel.is_archived:
        raise SlackError("is_archived")

"""conversations.history and conversations.replies with Slack's cursors and windows; a
message's metadata is shown only with `include_all_metadata`."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from app.slackdouble.args import (
    Handler,
    bool_arg,
    decode_cursor,
    encode_cursor,
    find_channel,
    int_arg,
    page_metadata,
    text_arg,
)
from app.slackdouble.errors import SlackError
from app.slackdouble.workspace import Channel, Message, Workspace


def history(ws: Workspace, args: dict[str, Any]) -> dict[str, Any]:
    channel = _readable(ws, args)
    newest_first = [m for m in reversed(channel.messages) if _top_level(m)]
    window = _in_window(newest_first, args)
    before = decode_cursor(text_arg(args, "cursor"), "next_ts")
    if before is not None:
        window = [m for m in window if _num(m.ts) <= _num(before)]
    result = _page(window, args)
    result["pin_count"] = len(channel.pins)
    return result


def replies(ws: Workspace, args: dict[str, Any]) -> dict[str, Any]:
    channel = _readable(ws, args)
    root = channel.find(text_arg(args, "ts"))
    if root is not None and root.is_reply and root.thread_ts:
        root = channel.find(root.thread_ts)
    if root is None:
        raise SlackError("thread_not_found")
    thread = [root, *(m for m in channel.messages if _reply_of(m, root))]
    window = _in_window(thread, args)
    after = decode_cursor(text_arg(args, "cursor"), "next_ts")
    if after is not None:
        window = [m for m in window if _num(m.ts) >= _num(after)]
    return _page(window, args)


def _readable(ws: Workspace, args: dict[str, Any]) -> Channel:
    channel = find_channel(ws, args)
    if ws.bot.id not in channel.members:
        raise SlackError("not_in_channel")
    return channel


def _top_level(message: Message) -> bool:
    if message.deleted:
        return False
    return not message.is_reply or message.subtype == "thread_broadcast"


def _reply_of(message: Message, root: Message) -> bool:
    return message.is_reply and message.thread_ts == root.ts and not message.deleted


def _page(messages: list[Message], args: dict[str, Any]) -> dict[str, Any]:
    limit = int_arg(args, "limit", 100) or 100
    page, rest = messages[:limit], messages[limit:]
    next_cursor = encode_cursor("next_ts", rest[0].ts) if rest else ""
    found = [_shown(m, bool_arg(args, "include_all_metadata")) for m in page]
    return {"messages": found, "has_more": bool(rest), **page_metadata(next_cursor)}


def _shown(message: Message, with_metadata: bool) -> dict[str, Any]:
    """A message as history shows it: its metadata only when asked for all of it."""
    shown = message.to_slack()
    if with_metadata and message.metadata is not None:
        shown["metadata"] = message.metadata
    return shown


def _in_window(messages: list[Message], args: dict[str, Any]) -> list[Message]:
    inclusive = bool_arg(args, "inclusive")
    oldest = _num(text_arg(args, "oldest", "0"))
    latest_arg = text_arg(args, "latest")
    latest = _num(latest_arg) if latest_arg else None

    def inside(message: Message) -> bool:
        ts = _num(message.ts)
        above = ts >= oldest if inclusive else ts > oldest
        below = latest is None or (ts <= latest if inclusive else ts < latest)
        return above and below

    return [m for m in messages if inside(m)]


def _num(ts: str) -> Decimal:
    try:
        return Decimal(ts)
    except InvalidOperation as exc:
        raise SlackError("invalid_ts_oldest") from exc


METHODS: dict[str, Handler] = {
    "conversations.history": history,
    "conversations.replies": replies,
}

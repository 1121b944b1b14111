"""Safe text for Block Kit: escaping, clipping, mentions and dates."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

ELLIPSIS = "…"


def escape(text: str) -> str:
    """Escape user text for mrkdwn so `<!channel>` or `<@U…>` in it never pings anyone."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def clip(text: str, limit: int) -> str:
    """At most `limit` characters, ending with an ellipsis when cut."""
    return text if len(text) <= limit else text[: limit - 1] + ELLIPSIS


def safe(text: str, limit: int) -> str:
    """Escape, then clip without cutting an entity in half."""
    escaped = escape(text)
    if len(escaped) <= limit:
        return escaped
    cut = escaped[: limit - 1]
    amp = cut.rfind("&")
    if amp != -1 and ";" not in cut[amp:]:
        cut = cut[:amp]
    return cut + ELLIPSIS


def mention(user_id: str) -> str:
    return f"<@{user_id}>"


def mentions(user_ids: Iterable[str], *, empty: str = "_nobody yet_") -> str:
    ids = list(user_ids)
    return ", ".join(mention(u) for u in ids) if ids else empty


def channel_link(channel_id: str) -> str:
    return f"<#{channel_id}>"


def when(moment: datetime) -> str:
    """A date Slack shows in each reader's own time zone, with a UTC fallback."""
    epoch = int(moment.timestamp())
    fallback = moment.strftime("%Y-%m-%d %H:%M UTC")
    return f"<!date^{epoch}^{{date_short_pretty}} at {{time}}|{fallback}>"

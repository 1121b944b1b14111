"""Safe text for Slack: escaping, clipping, mentions and dates.

THE RULE. Every string the bot gives Slack in a field Slack parses is mrkdwn: message `text`
(the notification fallback too), mrkdwn objects in sections, fields and context blocks,
channel topics and purposes, a file's `initial_comment`, and the line of every
`CrisisError` (built by `error_line()` in app/slack/blocks/error_lines.py). So whoever writes
the f-string that builds such a string passes each value it did not write itself (titles,
drafts, reasons, notes, summaries, names from Slack, words a person typed, Slack's error
codes) through `escape()` or `safe()`, once, right there. Our own literal `<`, `>` and `&`
are escaped too (`escape("/crisis open <title>")`, as `USAGE` in app/slack/commands/grammar.py
does). A value that is already mrkdwn (another builder's result, `USAGE[...]`, `error_line()`)
is never escaped again. Mentions, channel links and dates the bot means are built only from
stored ids with `mention()`, `mentions()`, `channel_link()` and `when()`.

Plain-text fields are not parsed and take raw text, never escaped: `PlainTextObject`s, header
blocks, button labels, option texts, modal titles, input placeholders and the `errors` of a
view submission. To show a mrkdwn message in one of them, pass it through `unescape()`.

Domain packages cannot import this module, and need not: a domain error holds plain text and
typed fields (user ids, datetimes), and `error_line()` escapes the text once and builds the
mentions and dates. Adapter or flow code that raises an error whose message it already built
as mrkdwn passes `mrkdwn=True` (see `CrisisError`).
`app/slackdouble/mentions.py` finds any live `<…>` that slipped through, in tests.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

ELLIPSIS = "…"


def escape(text: str) -> str:
    """Escape user text for mrkdwn so `<!channel>` or `<@U…>` in it never pings anyone."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def unescape(mrkdwn: str) -> str:
    """The inverse of `escape`, with code backticks dropped: mrkdwn for a plain-text field."""
    text = mrkdwn.replace("`", "").replace("&lt;", "<").replace("&gt;", ">")
    return text.replace("&amp;", "&")


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

"""Finding live Slack control sequences in what the bot sent: pings and links it did not mean.

Slack parses `<…>` in message text, mrkdwn objects, topics, purposes and file comments:
`<!channel>`, `<!here>`, `<!everyone>` and `<!subteam^S…>` ping groups, `<@U…>` pings a person,
`<#C…>` links a channel, `<https://…|label>` and `<mailto:…>` link anywhere, and any other
`<word>` is swallowed as a link. Escaped text (`&lt;!channel&gt;`) is shown as typed. A test
lists what the bot may deliberately mention or link; everything else found here is a leak.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Iterable, Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from app.slackdouble.double import SlackDouble

TOKEN = re.compile(r"<([^<>]*)>")
DOUBLE_ESCAPED = re.compile(r"&amp;(?:lt|gt|amp);")
PARSED_ARGS = ("text", "topic", "purpose", "initial_comment")
WALKED_ARGS = ("blocks", "view")
ATTACHMENT_TEXTS = ("text", "pretext", "fallback", "footer", "title")
ALWAYS_FINE = ("!date^",)


@dataclass(frozen=True)
class Sent:
    """One piece of text Slack parses, and where the bot sent it."""

    where: str
    text: str


@dataclass(frozen=True)
class Leak:
    where: str
    sequence: str
    text: str

    def __str__(self) -> str:
        return f"{self.where}: {self.sequence} in {self.text[:160]!r}"


@dataclass(frozen=True)
class Allowed:
    """What the bot may deliberately put in angle brackets."""

    users: Collection[str] = ()
    channels: Collection[str] = ()
    link_prefixes: Collection[str] = ()

    def permits(self, body: str) -> bool:
        target = body.split("|", 1)[0]
        if target.startswith(ALWAYS_FINE):
            return True
        if target.startswith("@"):
            return target[1:] in self.users
        if target.startswith("#"):
            return target[1:] in self.channels
        if target.startswith("!"):
            return False
        return any(target.startswith(prefix) for prefix in self.link_prefixes)


def live_sequences(texts: Iterable[Sent], allowed: Allowed) -> list[Leak]:
    """Every `<…>` Slack would act on that `allowed` does not cover."""
    return [
        Leak(sent.where, match.group(0), sent.text)
        for sent in texts
        for match in TOKEN.finditer(sent.text)
        if not allowed.permits(match.group(1))
    ]


def double_escaped(texts: Iterable[Sent]) -> list[Leak]:
    """`&amp;lt;` and friends: text escaped twice, which people would read as `&lt;`.

    Someone who literally typed `&lt;` shows up here too; use it where nobody did."""
    return [
        Leak(sent.where, match.group(0), sent.text)
        for sent in texts
        for match in DOUBLE_ESCAPED.finditer(sent.text)
    ]


def sent_texts(double: SlackDouble) -> list[Sent]:
    """Every parsed text field of every Web API call, response_url reply and view."""
    found: list[Sent] = []
    for call in double.calls:
        found.extend(call_texts(call.method, call.args))
    for ephemeral in double.ws.ephemerals:
        where = f"ephemeral via {ephemeral.source}"
        found.append(Sent(where, ephemeral.text))
        found.extend(Sent(where, text) for text in mrkdwn_texts(ephemeral.blocks))
    for view_id, view in double.ws.views.items():
        found.extend(Sent(f"view {view_id}", text) for text in mrkdwn_texts(view))
    return found


def call_texts(method: str, args: dict[str, Any]) -> list[Sent]:
    found = [
        Sent(f"{method} {name}", str(args[name]))
        for name in PARSED_ARGS
        if isinstance(args.get(name), str)
    ]
    for name in WALKED_ARGS:
        found.extend(Sent(f"{method} {name}", text) for text in mrkdwn_texts(args.get(name)))
    attachments = args.get("attachments")
    for attachment in attachments if isinstance(attachments, list) else []:
        found.extend(Sent(f"{method} attachments", t) for t in attachment_texts(attachment))
    return found


def attachment_texts(attachment: object) -> list[str]:
    """A legacy attachment's texts and field values, and the mrkdwn of any blocks in it."""
    if not isinstance(attachment, dict):
        return []
    texts = [str(attachment[k]) for k in ATTACHMENT_TEXTS if isinstance(attachment.get(k), str)]
    for field in attachment.get("fields") or []:
        if isinstance(field, dict):
            texts.extend(str(field[k]) for k in ("title", "value") if field.get(k))
    return texts + mrkdwn_texts(attachment.get("blocks"))


def mrkdwn_texts(node: object) -> list[str]:
    """Every mrkdwn text object in a Block Kit tree (blocks, fields, context, views)."""
    return list(_walk(node))


def _walk(node: object) -> Iterator[str]:
    if isinstance(node, list):
        for item in node:
            yield from _walk(item)
        return
    if not isinstance(node, dict):
        return
    if node.get("type") == "mrkdwn" and isinstance(node.get("text"), str):
        yield node["text"]
    for value in node.values():
        if isinstance(value, dict | list):
            yield from _walk(value)

"""Turning Slack's mrkdwn and blocks into plain text, and making text safe for each format."""

from __future__ import annotations

import html
import re
from collections.abc import Callable, Mapping
from typing import Any

TOKEN = re.compile(
    r"<([@#!])([^<>|]*)(?:\|([^<>]*))?>|<((?:https?|mailto):[^<>|\s]*)(?:\|([^<>]*))?>"
)
SPECIAL = {"channel": "@channel", "here": "@here", "everyone": "@everyone"}
MARKDOWN_SPECIAL = "\\`*_{}[]()#+-.!|~>=:"  # a backslash before each, and Markdown shows it
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def plain(text: str, names: Mapping[str, str]) -> str:
    """mrkdwn as a person reads it: mentions named, links spelled out, entities decoded.

    Only Slack's own tokens are rewritten (<@U…>, <#C…>, <!here>, <https://…>): anything else
    in angle brackets is left exactly as typed, for the output format to escape.
    """

    def token(match: re.Match[str]) -> str:
        sigil, target, label, url, url_label = match.groups()
        if url is not None:
            return f"{url_label} ({url})" if url_label and url_label != url else url
        if sigil == "@":
            return "@" + (names.get(target) or label or target)
        if sigil == "#":
            return "#" + (label or names.get(target) or target)
        if target.startswith("subteam^") or target.startswith("date^"):
            return label or target
        return SPECIAL.get(target, label or f"@{target}")

    return html.unescape(TOKEN.sub(token, text or ""))


def message_text(message: Mapping[str, Any], names: Mapping[str, str]) -> str:
    return plain(raw_text(message), names)


def raw_text(message: Mapping[str, Any]) -> str:
    """What a message showed, still in mrkdwn: its blocks when they say more than its text
    (the bot's cards), then any attachments."""
    if not message.get("blocks") and not message.get("attachments"):
        return str(message.get("text") or "")  # (what the lines below make of a bare text)
    blocks = [b for b in message.get("blocks") or [] if isinstance(b, dict)]
    shown = [b for b in blocks if b.get("type") != "rich_text"]
    lines = [line for b in shown for line in block_lines(b)] if shown else []
    body = "\n".join(lines) if lines else str(message.get("text") or "")
    extra = [
        str(a.get("text") or a.get("fallback") or "") for a in message.get("attachments") or []
    ]
    return "\n".join(part for part in [body, *extra] if part)


def block_lines(block: Mapping[str, Any]) -> list[str]:
    kind = block.get("type")
    render = BLOCKS.get(str(kind))
    return render(block) if render else []


def _text(obj: Any) -> str:
    return str(obj.get("text") or "") if isinstance(obj, dict) else ""


def _section(block: Mapping[str, Any]) -> list[str]:
    lines = [_text(block.get("text"))]
    lines += [_text(field) for field in block.get("fields") or []]
    return [line for line in lines if line]


def _context(block: Mapping[str, Any]) -> list[str]:
    parts = [_text(e) or str(e.get("alt_text") or "") for e in block.get("elements") or []]
    return [" ".join(part for part in parts if part)]


def _actions(block: Mapping[str, Any]) -> list[str]:
    labels = [_text(e.get("text")) for e in block.get("elements") or [] if isinstance(e, dict)]
    return [" ".join(f"[{label}]" for label in labels if label)]


BLOCKS: dict[str, Callable[[Mapping[str, Any]], list[str]]] = {
    "header": lambda b: [_text(b.get("text"))],
    "section": _section,
    "context": _context,
    "actions": _actions,
    "divider": lambda b: ["———"],
    "image": lambda b: [f"[image: {b.get('alt_text') or ''}]"],
    "markdown": lambda b: [str(b.get("text") or "")],
}


def markdown_escape(text: str) -> str:
    """Text that Markdown renders literally: no markup, no raw HTML, no autolinks. In one pass:
    what `html.escape(text, quote=False)` makes, then a backslash before each of
    MARKDOWN_SPECIAL (">" has become "&gt;" by then)."""
    return _MARKDOWN_ESCAPES.sub(_markdown_escape, text)


def _markdown_escape(match: re.Match[str]) -> str:
    return _MARKDOWN_AS[match[0]]


_MARKDOWN_AS = {
    **{char: "\\" + char for char in MARKDOWN_SPECIAL},
    **{"&": "&amp;", "<": "&lt;", ">": "&gt;"},  # (html.escape's, so ">" is never backslashed)
}
_MARKDOWN_ESCAPES = re.compile("[" + "".join(map(re.escape, _MARKDOWN_AS)) + "]")


def cell(value: Any) -> str:
    """A CSV cell a spreadsheet will not run: formulas become text with a leading quote."""
    shown = value if type(value) is str else "" if value is None else str(value)
    return "'" + shown if shown.startswith(FORMULA_START) else shown

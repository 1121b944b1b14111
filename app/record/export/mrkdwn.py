"""Slack's mrkdwn read into a small tree, so each format shows it as Slack did.

`parse` turns a message's text into nodes: styled runs (bold, italic, strike), inline code and
preformatted blocks, links (text plus the URL), mentions (the person's name with their id),
channels by name, emoji as the emoji (from the `emoji` package's Slack-style aliases). The
renderers in `app/record/export/styled.py` write the nodes out; every piece of text stays plain
text there, escaped by the output format.
"""

from __future__ import annotations

import html
import re
from collections.abc import Mapping
from dataclasses import dataclass, field

import emoji

FENCE = re.compile(r"```(.*?)```", re.S)
CODE = re.compile(r"`([^`\n]+)`")
TOKEN = re.compile(
    r"<([@#!])([^<>|]*)(?:\|([^<>]*))?>|<((?:https?|mailto|tel):[^<>|\s]*)(?:\|([^<>]*))?>"
)
HOLE = "\ue000"  # a token's place while styles are read; private use, never typed by Slack
HOLES = re.compile(f"{HOLE}(\\d+){HOLE}")


def _style(mark: str) -> re.Pattern[str]:
    """A run between two `mark`s: not inside a word, not empty, not padded with spaces."""
    m = re.escape(mark)
    edge = rf"(?<![\w{m}]){m}"
    end = rf"{m}(?![\w{m}])"
    return re.compile(rf"{edge}([^\s{m}](?:[^{m}\n]*?[^\s{m}])?){end}")


STYLES = tuple((style, mark, _style(mark)) for style, mark in (("b", "*"), ("i", "_"), ("s", "~")))
SHORTCODE = re.compile(r":([a-z0-9_+\-']+):(?::skin-tone-([2-6]):)?")
SKIN = {str(tone): chr(0x1F3FB + tone - 2) for tone in range(2, 7)}  # :skin-tone-2: … -6:
SPECIAL = {"channel": "@channel", "here": "@here", "everyone": "@everyone"}


@dataclass(frozen=True)
class Text:
    text: str


@dataclass(frozen=True)
class Code:
    text: str
    block: bool = False


@dataclass(frozen=True)
class Link:
    url: str
    label: str


@dataclass(frozen=True)
class Mention:
    """A person (`sigil` "@", `ref` their id), a channel ("#", its id) or a broadcast ("!")."""

    sigil: str
    name: str
    ref: str = ""


@dataclass(frozen=True)
class Emoji:
    char: str
    code: str


@dataclass(frozen=True)
class Styled:
    style: str  # "b", "i" or "s"
    children: tuple[Node, ...] = field(default_factory=tuple)


Node = Text | Code | Link | Mention | Emoji | Styled


def parse(text: str, names: Mapping[str, str]) -> list[Node]:
    """The nodes of one message's mrkdwn; names fill in people and channels by id."""
    if "```" not in (text or ""):  # (each step below looks for its marks first: same nodes)
        return _inline(text or "", names)
    nodes: list[Node] = []
    for index, part in enumerate(FENCE.split(text or "")):
        if index % 2:
            nodes.append(Code(html.unescape(part.strip("\n")), block=True))
        else:
            nodes.extend(_inline(part, names))
    return nodes


def _inline(text: str, names: Mapping[str, str]) -> list[Node]:
    if "`" not in text:
        return _tokens_and_styles(text, names)
    nodes: list[Node] = []
    for index, part in enumerate(CODE.split(text)):
        if index % 2:
            nodes.append(Code(html.unescape(part)))
        else:
            nodes.extend(_tokens_and_styles(part, names))
    return nodes


def _tokens_and_styles(text: str, names: Mapping[str, str]) -> list[Node]:
    if not ("*" in text or "_" in text or "~" in text or HOLE in text):
        return _tokens(text, names)  # no style to read: the tokens where they stand
    tokens: list[Node] = []
    holed = TOKEN.sub(lambda m: _hole(m, names, tokens), text) if "<" in text else text
    return _styled(holed, tokens)


def _tokens(text: str, names: Mapping[str, str]) -> list[Node]:
    """What `_styled` makes of text without style marks: each token, and the text between."""
    if "<" not in text:
        return _emoji(html.unescape(text)) if text else []
    nodes: list[Node] = []
    last = 0
    for match in TOKEN.finditer(text):
        if match.start() > last:
            nodes.extend(_emoji(html.unescape(text[last : match.start()])))
        nodes.append(token(match, names))
        last = match.end()
    if last < len(text):
        nodes.extend(_emoji(html.unescape(text[last:])))
    return nodes


def _hole(match: re.Match[str], names: Mapping[str, str], tokens: list[Node]) -> str:
    tokens.append(token(match, names))
    return f"{HOLE}{len(tokens) - 1}{HOLE}"


def token(match: re.Match[str], names: Mapping[str, str]) -> Node:
    """One of Slack's `<…>` tokens as a node: anything else in angle brackets stays text."""
    sigil, target, label, url, url_label = match.groups()
    if url is not None:
        return Link(html.unescape(url), html.unescape(url_label or ""))
    label = html.unescape(label or "")
    if sigil == "@":
        return Mention("@", names.get(target) or label.lstrip("@") or target, target)
    if sigil == "#":
        return Mention("#", label or names.get(target) or target, target)
    if target.startswith(("subteam^", "date^")):
        return Text(label or target)
    return Mention("!", SPECIAL.get(target, label or f"@{target}"))


def _styled(text: str, tokens: list[Node]) -> list[Node]:
    """Bold, italic and strike runs (nested as typed), the tokens put back in their places."""
    found = [
        (m.start(), style, m)
        for style, mark, rx in STYLES
        if mark in text and (m := rx.search(text))
    ]
    if not found:
        return _leaves(text, tokens)
    _, style, match = min(found, key=lambda f: f[0])
    inner = match.group(1)
    return [
        *_leaves(text[: match.start()], tokens),
        Styled(style, tuple(_styled(inner, tokens))),
        *_styled(text[match.end() :], tokens),
    ]


def _leaves(text: str, tokens: list[Node]) -> list[Node]:
    if HOLE not in text:
        return _emoji(html.unescape(text)) if text else []
    nodes: list[Node] = []
    for index, part in enumerate(HOLES.split(text)):
        if index % 2:
            nodes.append(tokens[int(part)])
        elif part:
            nodes.extend(_emoji(html.unescape(part)))
    return nodes


def _emoji(text: str) -> list[Node]:
    if ":" not in text:
        return [Text(text)] if text else []
    nodes: list[Node] = []
    last = 0
    for match in SHORTCODE.finditer(text):
        char = emoji.emojize(f":{match.group(1)}:", language="alias")
        if char.startswith(":"):
            continue  # a custom emoji, or not an emoji at all: left as typed
        if match.start() > last:
            nodes.append(Text(text[last : match.start()]))
        nodes.append(Emoji(char + SKIN.get(match.group(2) or "", ""), match.group(0)))
        last = match.end()
    if last < len(text):
        nodes.append(Text(text[last:]))
    return nodes


def mention_text(node: Mention) -> str:
    """How a mention reads: `@Maria Rodriguez (U0MARIA)`, `#war-room`, `@here`."""
    if node.sigil == "@":
        shown = f"@{node.name}"
        return f"{shown} ({node.ref})" if node.ref and node.ref != node.name else shown
    if node.sigil == "#":
        return f"#{node.name}"
    return node.name


def link_text(node: Link) -> str:
    url = node.url.removeprefix("mailto:")
    return f"{node.label} ({node.url})" if node.label and node.label != url else node.url


def as_plain(nodes: list[Node]) -> str:
    """The words without markup: what a diff or a search compares."""
    out: list[str] = []
    for node in nodes:
        if isinstance(node, Styled):
            out.append(as_plain(list(node.children)))
        elif isinstance(node, Text | Code):
            out.append(node.text)
        elif isinstance(node, Emoji):
            out.append(node.char)
        elif isinstance(node, Mention):
            out.append(mention_text(node))
        else:
            out.append(link_text(node))
    return "".join(out)


def plain_text(text: str, names: Mapping[str, str]) -> str:
    return as_plain(parse(text, names))

"""The quicker mrkdwn reading and Markdown escaping give exactly what they replaced.

`parse` now looks for each step's marks before running its pattern (no fence, no backticks,
no style marks: those steps are skipped) and `markdown_escape` is one pass. The previous
implementations are kept below verbatim as the references; random text built from every mark,
token and entity Slack sends (and the private-use hole character) must read the same both ways.
"""

from __future__ import annotations

import html
import random
import re
from collections.abc import Mapping

from app.record.export.mrkdwn import (
    CODE,
    FENCE,
    HOLE,
    HOLES,
    SHORTCODE,
    SKIN,
    STYLES,
    TOKEN,
    Code,
    Emoji,
    Node,
    Styled,
    Text,
    parse,
    token,
)
from app.record.export.text import markdown_escape

PIECES = [
    *"abc _*~`:<>|@#!&;/\n\t -=+.()[]{}\\'\"",
    *["```", "``", "<@U1>", "<@U2|bob>", "<@U3|@carol>", "<#C1|room>", "<#C2>", "<!here>"],
    *["<!subteam^S1|@team>", "<!date^1|today>", "<https://x.y/a_b|l_x>", "<mailto:a@b.c>"],
    *[":smile:", ":+1:", ":skin-tone-3:", ":custom_x:", "&amp;", "&lt;", "&gt;", "&#39;"],
    *[HOLE, f"{HOLE}0{HOLE}", "é", "🚨", "*bold*", "_it_", "~gone~", "`code`", "```\nx\n```"],
]
NAMES = {"U1": "Ann *A* <x>", "C1": "war_room", "U3": ""}


def reference_parse(text: str, names: Mapping[str, str]) -> list[Node]:
    """`parse` as it was, every step run whatever the text."""
    nodes: list[Node] = []
    for index, part in enumerate(FENCE.split(text or "")):
        if index % 2:
            nodes.append(Code(html.unescape(part.strip("\n")), block=True))
        else:
            nodes.extend(_inline(part, names))
    return nodes


def _inline(text: str, names: Mapping[str, str]) -> list[Node]:
    nodes: list[Node] = []
    for index, part in enumerate(CODE.split(text)):
        if index % 2:
            nodes.append(Code(html.unescape(part)))
        else:
            nodes.extend(_tokens_and_styles(part, names))
    return nodes


def _tokens_and_styles(text: str, names: Mapping[str, str]) -> list[Node]:
    tokens: list[Node] = []
    holed = TOKEN.sub(lambda m: _hole(m, names, tokens), text)
    return _styled(holed, tokens)


def _hole(match: re.Match[str], names: Mapping[str, str], tokens: list[Node]) -> str:
    tokens.append(token(match, names))
    return f"{HOLE}{len(tokens) - 1}{HOLE}"


def _styled(text: str, tokens: list[Node]) -> list[Node]:
    found = [(m.start(), style, m) for style, _, rx in STYLES if (m := rx.search(text))]
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
    nodes: list[Node] = []
    for index, part in enumerate(HOLES.split(text)):
        if index % 2:
            nodes.append(tokens[int(part)])
        elif part:
            nodes.extend(_emoji(html.unescape(part)))
    return nodes


def _emoji(text: str) -> list[Node]:
    import emoji

    nodes: list[Node] = []
    last = 0
    for match in SHORTCODE.finditer(text):
        char = emoji.emojize(f":{match.group(1)}:", language="alias")
        if char.startswith(":"):
            continue
        if match.start() > last:
            nodes.append(Text(text[last : match.start()]))
        nodes.append(Emoji(char + SKIN.get(match.group(2) or "", ""), match.group(0)))
        last = match.end()
    if last < len(text):
        nodes.append(Text(text[last:]))
    return nodes


def reference_markdown_escape(text: str) -> str:
    escaped = html.escape(text, quote=False)
    return re.sub(r"([\\`*_{}\[\]()#+\-.!|~>=:])", r"\\\1", escaped)


def texts(count: int, pieces: list[str], seed: int) -> list[str]:
    rng = random.Random(seed)
    return ["".join(rng.choices(pieces, k=rng.randrange(0, 16))) for _ in range(count)]


def outcome(text: str, read: object) -> object:
    try:
        return read(text, NAMES)  # type: ignore[operator]
    except (IndexError, ValueError) as error:  # (a typed hole can point at no token)
        return type(error)


def test_parse_reads_every_text_as_before() -> None:
    plain_pieces = [p for p in PIECES if not any(mark in p for mark in "*_~`" + HOLE)]
    for text in texts(30_000, PIECES, 1) + texts(30_000, plain_pieces, 2):
        assert outcome(text, parse) == outcome(text, reference_parse), repr(text)


def test_markdown_escape_is_the_two_step_escape_in_one_pass() -> None:
    for text in texts(30_000, PIECES, 3):
        assert markdown_escape(text) == reference_markdown_escape(text), repr(text)

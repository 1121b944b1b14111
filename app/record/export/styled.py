"""Parsed mrkdwn written out as HTML (every text escaped) or as Markdown (every text escaped)."""

from __future__ import annotations

from markupsafe import Markup, escape

from app.record.export.mrkdwn import (
    Code,
    Emoji,
    Mention,
    Node,
    Styled,
    Text,
    link_text,
    mention_text,
)
from app.record.export.text import markdown_escape

HTML_TAGS = {"b": "strong", "i": "em", "s": "del"}
MARKDOWN_MARKS = {"b": "**", "i": "_", "s": "~~"}


def to_html(nodes: list[Node]) -> Markup:
    """Safe HTML: tags only from this function, everything typed passes through `escape`."""
    return Markup("").join(_html(node) for node in nodes)


def _html(node: Node) -> Markup:
    if isinstance(node, Text):
        return escape(node.text)
    if isinstance(node, Styled):
        tag = HTML_TAGS[node.style]
        return Markup(f"<{tag}>") + to_html(list(node.children)) + Markup(f"</{tag}>")
    if isinstance(node, Code):
        tag = "pre" if node.block else "code"
        return Markup(f"<{tag}>") + escape(node.text) + Markup(f"</{tag}>")
    if isinstance(node, Emoji):
        return Markup('<span class="emoji" title="{}">{}</span>').format(node.code, node.char)
    if isinstance(node, Mention):
        if node.sigil == "@" and node.ref and node.ref != node.name:
            return Markup('<span class="mention">@{}</span> <span class="id">({})</span>').format(
                node.name, node.ref
            )
        return Markup('<span class="mention">{}</span>').format(mention_text(node))
    if node.label and node.label != node.url.removeprefix("mailto:"):
        return Markup('{} <span class="url">({})</span>').format(node.label, node.url)
    return Markup('<span class="url">{}</span>').format(node.url)


def to_markdown(nodes: list[Node]) -> str:
    """Markdown that shows the same styles; text escaped so nothing typed becomes markup."""
    return "".join(_markdown(node) for node in nodes)


def _markdown(node: Node) -> str:
    if isinstance(node, Text):
        return markdown_escape(node.text)
    if isinstance(node, Styled):
        mark = MARKDOWN_MARKS[node.style]
        inner = to_markdown(list(node.children))
        return f"{mark}{inner}{mark}" if inner.strip() else inner
    if isinstance(node, Code):
        return "\n".join(_code(line) for line in node.text.splitlines() if line.strip())
    if isinstance(node, Emoji):
        return node.char
    if isinstance(node, Mention):
        return markdown_escape(mention_text(node))
    return markdown_escape(link_text(node))


def _code(text: str) -> str:
    """An inline code span that holds any text: a fence longer than any run of backticks in it
    (Markdown shows code spans literally, so nothing inside needs escaping)."""
    ticks = "`" * (_longest_run(text) + 1)
    pad = " " if text.startswith("`") or text.endswith("`") else ""
    return f"{ticks}{pad}{text}{pad}{ticks}"


def _longest_run(text: str) -> int:
    best = run = 0
    for char in text:
        run = run + 1 if char == "`" else 0
        best = max(best, run)
    return best

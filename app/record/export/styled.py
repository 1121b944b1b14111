"""Parsed mrkdwn written out as HTML (every text escaped) or as Markdown (every text escaped)."""

from __future__ import annotations

from typing import Any

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
    return Markup(html_text(nodes))


def html_text(nodes: list[Node] | tuple[Node, ...]) -> str:
    """`to_html` as a plain str (for a writer that escapes everything else itself)."""
    return "".join([_html(node) for node in nodes])


def escaped(value: Any) -> str:
    """`escape(value)` as a str: what Jinja2's autoescaping writes for a value. Plain text is
    escaped by `str.replace` into markupsafe's very entities, without a Markup made; text with
    nothing to escape (most of it) comes back as it is."""
    if type(value) is str:
        text: str = value
        if "&" in text or "<" in text or ">" in text or "'" in text or '"' in text:
            text = text.replace("&", "&amp;").replace(">", "&gt;").replace("<", "&lt;")
            return text.replace("'", "&#39;").replace('"', "&#34;")
        return text
    return str(value) if type(value) is int else str(escape(value))


def _html(node: Node) -> str:
    if isinstance(node, Text):
        return escaped(node.text)
    if isinstance(node, Styled):
        tag = HTML_TAGS[node.style]
        return f"<{tag}>{html_text(node.children)}</{tag}>"
    if isinstance(node, Code):
        tag = "pre" if node.block else "code"
        return f"<{tag}>{escaped(node.text)}</{tag}>"
    if isinstance(node, Emoji):
        return f'<span class="emoji" title="{escaped(node.code)}">{escaped(node.char)}</span>'
    if isinstance(node, Mention):
        if node.sigil == "@" and node.ref and node.ref != node.name:
            name, ref = escaped(node.name), escaped(node.ref)
            return f'<span class="mention">@{name}</span> <span class="id">({ref})</span>'
        return f'<span class="mention">{escaped(mention_text(node))}</span>'
    if node.label and node.label != node.url.removeprefix("mailto:"):
        return f'{escaped(node.label)} <span class="url">({escaped(node.url)})</span>'
    return f'<span class="url">{escaped(node.url)}</span>'


def to_markdown(nodes: list[Node]) -> str:
    """Markdown that shows the same styles; text escaped so nothing typed becomes markup."""
    return "".join([_markdown(node) for node in nodes])


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

"""Block Kit and mrkdwn → readable plain text, and timeline transcripts."""

from __future__ import annotations

import html
import re
from collections.abc import Iterable, Mapping
from typing import Any

from app.slackdouble.workspace import Visible

_ANGLE = re.compile(r"<([^<>]+)>")
_NO_NAMES: Mapping[str, str] = {}

_KIND_LABELS = {
    "post": "{author}",
    "dm": "{author}",
    "reply": "↳ {author} (thread)",
    "edit": "{author} edited",
    "delete": "{author} deleted a message",
    "pin": "{author} pinned",
    "ephemeral": "{author} (only visible to {audience})",
    "modal": "{author} opened a modal for {audience}",
    "modal_update": "{author} updated the modal for {audience}",
    "home": "{author} published the Home tab of {audience}",
    "join": "{author} joined",
    "leave": "{author} left",
    "created": "{author} created the channel",
    "archived": "{author} archived the channel",
    "topic": "{author} set the topic",
    "purpose": "{author} set the purpose",
}


def render_text(
    text: str,
    *,
    users: Mapping[str, str] = _NO_NAMES,
    channels: Mapping[str, str] = _NO_NAMES,
) -> str:
    """Slack mrkdwn → plain text: mentions, channel links and URLs made readable."""

    def replace(match: re.Match[str]) -> str:
        body, _, label = match.group(1).partition("|")
        if body.startswith("@"):
            return "@" + users.get(body[1:], label or body[1:])
        if body.startswith("#"):
            return "#" + channels.get(body[1:], label or body[1:])
        if body.startswith("!"):
            return label or "@" + body[1:].split("^")[0]
        return label or body

    return html.unescape(_ANGLE.sub(replace, text))


def render_blocks(
    blocks: list[dict[str, Any]],
    *,
    users: Mapping[str, str] = _NO_NAMES,
    channels: Mapping[str, str] = _NO_NAMES,
) -> str:
    """Block Kit blocks → readable plain text, one block after another."""
    renderer = _BlockRenderer(users, channels)
    lines = [renderer.block(b) for b in blocks]
    return "\n".join(line for line in lines if line)


def format_timeline(entries: Iterable[Visible]) -> str:
    """A readable transcript: one entry per paragraph, text indented under its header."""
    return "\n".join(_format_entry(entry) for entry in entries)


def _format_entry(entry: Visible) -> str:
    label = _KIND_LABELS.get(entry.kind, "{author} " + entry.kind)
    head = f"[{entry.where}] " + label.format(author=entry.author, audience=entry.audience)
    text = entry.text.strip()
    if not text:
        return head
    body = "\n".join("    " + line for line in text.splitlines())
    return f"{head}:\n{body}"


class _BlockRenderer:
    def __init__(self, users: Mapping[str, str], channels: Mapping[str, str]) -> None:
        self.users = users
        self.channels = channels

    def text(self, obj: Any) -> str:
        if isinstance(obj, str):
            return render_text(obj, users=self.users, channels=self.channels)
        if isinstance(obj, dict):
            return self.text(obj.get("text", ""))
        return ""

    def block(self, block: dict[str, Any]) -> str:
        kind = block.get("type")
        handler = getattr(self, f"_{kind}", None)
        return handler(block) if handler else ""

    def element(self, element: dict[str, Any]) -> str:
        kind = element.get("type", "")
        if kind == "button":
            return f"[{self.text(element.get('text'))}]"
        if kind == "image":
            return f"[image: {element.get('alt_text', '')}]"
        if kind in ("plain_text", "mrkdwn"):
            return self.text(element)
        label = self.text(element.get("placeholder")) or kind.replace("_", " ")
        return f"[{label} ▾]"

    def _header(self, block: dict[str, Any]) -> str:
        return f"== {self.text(block.get('text'))} =="

    def _section(self, block: dict[str, Any]) -> str:
        parts = [self.text(block.get("text"))] if block.get("text") else []
        parts += ["  " + self.text(field) for field in block.get("fields", [])]
        if block.get("accessory"):
            parts.append(self.element(block["accessory"]))
        return "\n".join(parts)

    def _context(self, block: dict[str, Any]) -> str:
        return " · ".join(self.element(e) for e in block.get("elements", []))

    def _divider(self, block: dict[str, Any]) -> str:
        return "-----"

    def _actions(self, block: dict[str, Any]) -> str:
        return " ".join(self.element(e) for e in block.get("elements", []))

    def _image(self, block: dict[str, Any]) -> str:
        return f"[image: {block.get('alt_text', '')}]"

    def _input(self, block: dict[str, Any]) -> str:
        label = self.text(block.get("label"))
        element = block.get("element") or {}
        placeholder = self.text(element.get("placeholder"))
        return f"{label}: [{placeholder or '...'}]"

    def _markdown(self, block: dict[str, Any]) -> str:
        return self.text(block.get("text", ""))

    def _rich_text(self, block: dict[str, Any]) -> str:
        return "\n".join(self._rich_part(part) for part in block.get("elements", []))

    def _rich_part(self, part: dict[str, Any]) -> str:
        kind = part.get("type")
        inner = part.get("elements", [])
        if kind == "rich_text_list":
            bullet = "1." if part.get("style") == "ordered" else "•"
            return "\n".join(f"{bullet} {self._rich_part(item)}" for item in inner)
        text = "".join(self._rich_leaf(leaf) for leaf in inner)
        if kind == "rich_text_quote":
            return "\n".join("> " + line for line in text.splitlines())
        return text

    def _rich_leaf(self, leaf: dict[str, Any]) -> str:
        kind = leaf.get("type")
        if kind == "user":
            user = str(leaf.get("user_id", ""))
            return "@" + self.users.get(user, user)
        if kind == "channel":
            channel = str(leaf.get("channel_id", ""))
            return "#" + self.channels.get(channel, channel)
        if kind == "link":
            return str(leaf.get("text") or leaf.get("url", ""))
        if kind == "emoji":
            return f":{leaf.get('name', '')}:"
        if kind == "broadcast":
            return "@" + str(leaf.get("range", ""))
        return str(leaf.get("text", ""))

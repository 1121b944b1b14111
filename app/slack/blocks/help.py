"""The /crisis help card."""

from __future__ import annotations

from slack_sdk.models.blocks import Block, ContextBlock, MarkdownTextObject, SectionBlock

from app.roles.models import ROLE_NAMES
from app.slack.commands.grammar import USAGE


def help_text() -> str:
    lines = [f"• {usage}" for usage in USAGE.values()]
    return "*Crisis Room commands*\n" + "\n".join(lines)


def help_blocks() -> list[Block]:
    return [
        SectionBlock(text=help_text()),
        ContextBlock(elements=[MarkdownTextObject(text=f"Standing roles: {ROLE_NAMES}.")]),
    ]

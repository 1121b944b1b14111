"""Who holds which standing role."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from slack_sdk.models.blocks import Block, ContextBlock, MarkdownTextObject, SectionBlock

from app.roles.models import Role
from app.slack.blocks.brief import roles_text
from app.slack.blocks.text import escape


def roles_blocks(holders: Mapping[Role, Sequence[str]]) -> list[Block]:
    return [
        SectionBlock(text=roles_text(holders)),
        ContextBlock(
            elements=[
                MarkdownTextObject(
                    text=escape("Admins change roles with `/crisis role add <role> @person`.")
                )
            ]
        ),
    ]

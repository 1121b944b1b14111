"""Who holds which standing role."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from slack_sdk.models.blocks import Block, ContextBlock, MarkdownTextObject, SectionBlock

from app.roles.models import Role
from app.slack.blocks.brief import roles_text
from app.slack.blocks.text import escape, mentions


def roles_blocks(
    holders: Mapping[Role, Sequence[str]], backups: Mapping[Role, Sequence[str]] | None = None
) -> list[Block]:
    standby = [
        f"• {role.label}: {mentions(users)} _(backup)_"
        for role, users in (backups or {}).items()
        if users
    ]
    extra = [SectionBlock(text="*Backups*\n" + "\n".join(standby))] if standby else []
    return [
        SectionBlock(text=roles_text(holders)),
        *extra,
        ContextBlock(
            elements=[
                MarkdownTextObject(
                    text=escape(
                        "Admins change roles with `/crisis role add <role> @person`"
                        " (`--backup` for a backup)."
                    )
                )
            ]
        ),
    ]

"""`/crisis library` (every statement, by crisis kind) and `/crisis library show <key>`."""

from __future__ import annotations

from itertools import groupby

from slack_sdk.models.blocks import (
    Block,
    ContextBlock,
    HeaderBlock,
    MarkdownTextObject,
    SectionBlock,
)

from app.library.models import LibraryApproval, LibraryEntry, LibraryVersion
from app.library.queries import Listed
from app.slack.blocks.library_card import STATE_ICON, decision_line
from app.slack.blocks.text import clip, escape, mention, safe, when

EMPTY = "The library is empty. Lead or legal can add a statement with `/crisis library add`."
MANAGE = (
    "`/crisis library show <key>` shows every version · lead and legal: "
    "`/crisis library add`, `/crisis library edit <key>` · in a war room: "
    "`/crisis propose --from-library <key>`"
)


def list_blocks(listed: list[Listed]) -> list[Block]:
    if not listed:
        return [SectionBlock(text=EMPTY)]
    blocks: list[Block] = [HeaderBlock(text="Statement library")]
    for kind, group in groupby(listed, key=lambda item: item.entry.kind):
        lines = [f"*{escape(kind)}*", *(_line(item) for item in group)]
        blocks.append(SectionBlock(text=clip("\n".join(lines), 3000)))
    blocks.append(ContextBlock(elements=[MarkdownTextObject(text=escape(MANAGE))]))
    return blocks


def _line(item: Listed) -> str:
    entry = item.entry
    shown = item.approved or item.pending
    title = safe(shown.title, 120) if shown else "_no wording_"
    states = []
    if item.approved:
        states.append(f"{STATE_ICON[item.approved.state]} v{item.approved.version} approved")
    else:
        states.append("not usable yet")
    if item.pending:
        states.append(f"{STATE_ICON[item.pending.state]} v{item.pending.version} waiting")
    return f"• `{escape(entry.key)}` ({escape(entry.audience)}): {title} · {', '.join(states)}"


def show_blocks(
    entry: LibraryEntry, versions: list[tuple[LibraryVersion, list[LibraryApproval]]]
) -> list[Block]:
    """Every version, newest first: its state, words and decisions (the audit trail)."""
    head = f"{entry.key} · {entry.kind} · {entry.audience}"
    blocks: list[Block] = [HeaderBlock(text=clip(head, 150))]
    for version, approvals in reversed(versions[-20:]):
        lines = [
            f"{STATE_ICON[version.state]} *v{version.version}* {version.state.label.lower()} · "
            f"proposed by {mention(version.proposed_by)} {when(version.proposed_at)}",
            f"*{safe(version.title, 300)}*",
            "> " + safe(version.text, 1500).replace("\n", "\n> "),
            *(decision_line(approval) for approval in approvals),
        ]
        blocks.append(SectionBlock(text=clip("\n".join(lines), 3000)))
    return blocks[:50]

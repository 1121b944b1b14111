"""A posted update in the war room, and its concise executive version for stakeholders."""

from __future__ import annotations

from slack_sdk.models.blocks import (
    Block,
    ContextBlock,
    HeaderBlock,
    MarkdownTextObject,
    SectionBlock,
)

from app.incidents.models import Incident
from app.slack import ids
from app.slack.blocks.text import channel_link, clip, safe, when
from app.slack.blocks.updates.words import next_due_text, status_text
from app.updates.models import StatusUpdate, UpdateKind

SECTION_MAX = 2900


def _is_resolution(posted: StatusUpdate) -> bool:
    return posted.kind == UpdateKind.RESOLUTION


def update_text(incident: Incident, posted: StatusUpdate) -> str:
    what = "Resolved" if _is_resolution(posted) else "Update"
    return f"{what} on {incident.ref} {safe(incident.title, 150)}: {safe(posted.changed, 300)}"


def update_blocks(incident: Incident, posted: StatusUpdate) -> list[Block]:
    """The full update as the war room reads it; every piece of user text escaped."""
    what = "Resolved" if _is_resolution(posted) else "Update"
    blocks: list[Block] = [
        HeaderBlock(
            block_id=ids.UPDATE_HEADER, text=clip(f"{what} · {incident.ref} {incident.title}", 150)
        ),
        SectionBlock(
            block_id=ids.UPDATE_FACTS,
            fields=[
                MarkdownTextObject(text=f"*Status*\n{status_text(posted.status)}"),
                MarkdownTextObject(
                    text=f"*Posted by*\n<@{posted.posted_by}>, {when(posted.posted_at)}"
                ),
            ],
        ),
    ]
    heading = "Resolution" if _is_resolution(posted) else "What changed"
    sections = [
        (heading, posted.changed),
        ("Actions taken", posted.actions),
        ("Next steps", posted.next_steps),
        ("Key metrics", posted.metrics),
    ]
    blocks.extend(
        SectionBlock(text=f"*{title}*\n{safe(body, SECTION_MAX)}")
        for title, body in sections
        if body
    )
    blocks.append(
        ContextBlock(
            block_id=ids.UPDATE_NEXT, elements=[MarkdownTextObject(text=next_due_text(incident))]
        )
    )
    return blocks


def headline(text: str) -> str:
    """The first line of what changed: the one sentence an executive reads."""
    first = next((line.strip() for line in text.splitlines() if line.strip()), "")
    return safe(first, 300)


def summary_text(incident: Incident, posted: StatusUpdate) -> str:
    title, changed = safe(incident.title, 150), safe(posted.changed, 200)
    return f"{incident.ref} {title}: {posted.status}. {changed}"


def summary_blocks(incident: Incident, posted: StatusUpdate) -> list[Block]:
    """Headline, status, what we're doing, next update time, and the way to the war room."""
    doing = posted.actions or posted.next_steps
    due = incident.next_update_due
    blocks: list[Block] = [
        SectionBlock(
            block_id=ids.SUMMARY_HEADLINE,
            text=f"*{incident.ref} · {safe(incident.title, 250)}*\n{headline(posted.changed)}",
        ),
        SectionBlock(
            block_id=ids.SUMMARY_FACTS,
            fields=[
                MarkdownTextObject(text=f"*Status*\n{status_text(posted.status)}"),
                MarkdownTextObject(text=f"*Severity*\n{incident.severity.label}"),
                MarkdownTextObject(text=f"*Next update*\n{when(due) if due else 'none scheduled'}"),
            ],
        ),
    ]
    if doing:
        blocks.append(SectionBlock(text=f"*What we're doing*\n{safe(doing, 600)}"))
    link = f"War room: {channel_link(incident.channel_id)} · posted by <@{posted.posted_by}>"
    blocks.append(ContextBlock(block_id=ids.SUMMARY_LINK, elements=[MarkdownTextObject(text=link)]))
    return blocks

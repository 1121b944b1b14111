"""An update's audience variants as posted: the executives' version of the summary, the
employee announcement, copy-ready blocks in the update's thread, and what the wording guard
found (on the update itself and in Legal's DM). Every variant's text is escaped here, once.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from slack_sdk.models.blocks import Block, SectionBlock

from app.approvals.variants import Audience
from app.incidents.models import Incident
from app.slack import ids
from app.slack.blocks.approvals.variants import audience_post, copy_ready_post, variant_warning
from app.slack.blocks.text import channel_link, escape, mention, safe
from app.slack.blocks.updates.posts import summary_blocks
from app.updates.models import StatusUpdate

HEADLINE_MAX = 2500
GUARD_BLOCK = "update_variant_guard"


def executives_post(
    incident: Incident, posted: StatusUpdate, words: str
) -> tuple[str, list[Block]]:
    """The executive summary with the executives' variant in place of its text."""
    blocks = summary_blocks(incident, posted)
    head = f"*{incident.ref} · {safe(incident.title, 250)}* · for *Executives*"
    blocks[0] = SectionBlock(
        block_id=ids.SUMMARY_HEADLINE, text=f"{head}\n{safe(words, HEADLINE_MAX)}"
    )
    blocks = [b for b in blocks if b.block_id is not None]  # the variant says what we do
    return f"{incident.ref} {safe(incident.title, 150)}: {safe(words, 300)}", blocks


def employees_post(incident: Incident, posted: StatusUpdate, words: str) -> tuple[str, list[Block]]:
    about = (
        f"*{incident.ref} · {safe(incident.title, 250)}* · update for *Employees* "
        f"(posted by {mention(posted.posted_by)})"
    )
    return audience_post(Audience.EMPLOYEES, words, about=about)


def copy_ready_update(
    incident: Incident, posted: StatusUpdate, audience: Audience, words: str
) -> tuple[str, list[Block]]:
    source = f"{safe(incident.title, 300)} ({incident.ref}, update U-{posted.id})"
    return copy_ready_post(audience, words, source=source)


def guard_lines(found: Mapping[Audience, Sequence[str]]) -> str:
    """Which variants the wording guard flagged ("" when none)."""
    if not found:
        return ""
    head = (
        ":warning: *Possible admission of fault* in this update's variants. Legal, please review."
    )
    return f"{head}\n{variant_warning(found)}"


def guard_blocks(found: Mapping[Audience, Sequence[str]]) -> list[Block]:
    """The warning shown on the update's post in the war room (nothing when none)."""
    lines = guard_lines(found)
    return [SectionBlock(block_id=GUARD_BLOCK, text=lines)] if lines else []


def legal_note(
    incident: Incident, posted: StatusUpdate, found: Mapping[Audience, Sequence[str]]
) -> str:
    """The DM each Legal role holder gets: updates are not approved, so this is how Legal hears."""
    where = channel_link(incident.channel_id)
    return (
        f"{guard_lines(found)}\nUpdate U-{posted.id} on *{incident.ref}* "
        f"{safe(incident.title, 150)}, posted by {mention(posted.posted_by)} in {where} "
        "(updates are posted without approval)."
    )


def posted_lines(posts: Sequence[tuple[Audience, str]], failed: Sequence[str]) -> str:
    """The thread reply saying which variant went where, and which did not go."""
    lines = [":outbox_tray: *Variants of this update posted*"]
    lines += [f"{audience.label} → {channel_link(channel)}" for audience, channel in posts]
    if failed:
        lines.append(f":warning: Not posted: {escape(', '.join(failed))}.")
    return "\n".join(lines)

"""The Home tab and the /crisis list overview (pure builders)."""

from __future__ import annotations

from collections.abc import Sequence
from collections.abc import Set as AbstractSet
from datetime import datetime

from slack_sdk.models.blocks import (
    Block,
    ContextBlock,
    DividerBlock,
    HeaderBlock,
    MarkdownTextObject,
    SectionBlock,
)
from slack_sdk.models.views import View

from app.home.facts import HomeFacts, Waiting
from app.incidents.models import Incident
from app.slack import ids
from app.slack.blocks.approvals.buttons import decision_block
from app.slack.blocks.brief import SEVERITY_ICON
from app.slack.blocks.text import channel_link, mentions, safe, when

LEGAL_HOLD = ":scales: *Legal hold*"
LIST_PAGE = 45  # incidents one `/crisis list` reply shows (a message holds at most 50 blocks)


def home_view(facts: HomeFacts) -> View:
    """Only what the viewer may see: the facts are already filtered to their war rooms."""
    blocks: list[Block] = [HeaderBlock(block_id=ids.HOME_HEADER, text="Crisis Room")]
    blocks += waiting_blocks(facts.waiting, facts.more_waiting)
    blocks.append(DividerBlock())
    blocks += active_blocks(facts.active, leads=facts.leads, now=facts.now, held=facts.held)
    blocks += more_blocks(facts.more_active, "open", where="`/crisis list`")
    blocks.append(DividerBlock())
    blocks += resolved_blocks(facts.resolved, facts.record_links, held=facts.held)
    blocks += more_blocks(facts.more_resolved, "resolved", where="each war room")
    return View(type="home", callback_id=ids.HOME_VIEW, blocks=blocks)


def waiting_blocks(waiting: Sequence[Waiting], more: int = 0) -> list[Block]:
    blocks: list[Block] = [SectionBlock(block_id=ids.HOME_WAITING, text="*Waiting for you*")]
    if not waiting:
        blocks.append(_note("Nothing is waiting for you. :white_check_mark:"))
    for item in waiting:
        pending = item.pending
        action, role = pending.action, pending.approval.role
        line = (
            f"*{action.ref} · {safe(action.title, 300)}*\n"
            f"{pending.incident_ref} {channel_link(pending.incident_channel_id)} · "
            f"{action.category.label} · proposed by <@{action.proposer}>, "
            f"{when(action.created_at)} · needs *{role.label}*"
        )
        blocks.append(SectionBlock(text=line))
        block_id = f"{ids.HOME_DECIDE}{action.id}_{role.value}"
        blocks.append(decision_block(action, role, flagged=item.flagged, block_id=block_id))
    if more:
        blocks.append(_note(f"…and {more} more; see `/crisis actions` in each war room."))
    return blocks


def active_blocks(
    incidents: Sequence[Incident],
    *,
    leads: Sequence[str],
    now: datetime,
    held: AbstractSet[int] = frozenset(),
) -> list[Block]:
    blocks: list[Block] = [SectionBlock(block_id=ids.HOME_ACTIVE, text="*Active incidents*")]
    if not incidents:
        blocks.append(_note("No open incident in a war room you are in."))
    for incident in incidents:
        line = incident_line(incident, leads=leads, now=now) + hold_mark(incident, held)
        blocks.append(SectionBlock(text=line))
    return blocks


def hold_mark(incident: Incident, held: AbstractSet[int]) -> str:
    return f" · {LEGAL_HOLD}" if incident.id in held else ""


def incident_line(incident: Incident, *, leads: Sequence[str], now: datetime) -> str:
    icon = SEVERITY_ICON[incident.severity]
    last = when(incident.last_update_at) if incident.last_update_at else "none yet"
    return (
        f"{icon} *{incident.ref} · {safe(incident.title, 200)}* "
        f"{channel_link(incident.channel_id)}\n"
        f"{incident.severity} · {incident.status} · lead {mentions(leads, empty='nobody')} · "
        f"last update {last} · {due_text(incident, now)}"
    )


def due_text(incident: Incident, now: datetime) -> str:
    due = incident.next_update_due
    if due is None:
        return "updates paused"
    if due <= now:
        minutes = int((now - due).total_seconds() // 60)
        return f":rotating_light: *update overdue* by {minutes} min (was due {when(due)})"
    return f"next update {when(due)}"


def resolved_blocks(
    incidents: Sequence[Incident], links: dict[int, str], *, held: AbstractSet[int] = frozenset()
) -> list[Block]:
    blocks: list[Block] = [SectionBlock(block_id=ids.HOME_RESOLVED, text="*Recently resolved*")]
    if not incidents:
        blocks.append(_note("No resolved incident in a war room you are in."))
    for incident in incidents:
        link = links.get(incident.id or 0)
        record = f" · <{link}|exported record>" if link else ""
        blocks.append(
            SectionBlock(
                text=f"*{incident.ref} · {safe(incident.title, 200)}* "
                f"{channel_link(incident.channel_id)}{record}{hold_mark(incident, held)}"
            )
        )
    return blocks


def more_blocks(more: int, what: str, *, where: str) -> list[Block]:
    """ "…and N more" under a list that was cut; nothing when all of it is shown."""
    if more <= 0:
        return []
    return [_note(f"…and {more} more {what} incident(s); see {where}.")]


def list_blocks(
    incidents: Sequence[Incident], *, leads: Sequence[str], now: datetime, more: int = 0
) -> list[Block]:
    """`/crisis list`: the same overview as the Home tab's active incidents (one page of them,
    then how many more there are)."""
    blocks = active_blocks(incidents[:LIST_PAGE], leads=leads, now=now)
    more += max(0, len(incidents) - LIST_PAGE)
    if more:
        blocks.append(_note(f"…and {more} more open incident(s) not shown."))
    return blocks


def _note(text: str) -> ContextBlock:
    return ContextBlock(elements=[MarkdownTextObject(text=text)])

"""The nudge in the war room, the escalation DM to an executive, and the escalation note."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime

from slack_sdk.models.blocks import (
    ActionsBlock,
    Block,
    ButtonElement,
    ContextBlock,
    MarkdownTextObject,
    SectionBlock,
)

from app.incidents.models import Incident
from app.slack import ids
from app.slack.blocks.text import channel_link, clip, mentions, safe, when
from app.slack.blocks.updates.words import status_text
from app.updates.durations import format_duration, roughly

MAX_OPEN_SHOWN = 10


@dataclass(frozen=True)
class OpenItem:
    """An action still needing something: approval, a revision, or carrying out."""

    ref: str
    title: str
    waiting_on: str


@dataclass(frozen=True)
class NudgeFacts:
    incident: Incident
    leads: Sequence[str]
    since_update: float | None
    since_open: float
    open_items: Sequence[OpenItem] = field(default_factory=tuple)


def nudge_text(facts: NudgeFacts) -> str:
    return f"The stakeholder update for {facts.incident.ref} is due. {_since(facts)}"


def _since(facts: NudgeFacts) -> str:
    if facts.since_update is None:
        return f"No update since the incident opened {roughly(facts.since_open)} ago."
    return f"Last update {roughly(facts.since_update)} ago."


def open_items_text(items: Sequence[OpenItem]) -> str:
    if not items:
        return "*Still open*\nNothing is waiting on approval or follow-up."
    lines = [
        f"• *{item.ref}* {safe(item.title, 150)}: {item.waiting_on}"
        for item in items[:MAX_OPEN_SHOWN]
    ]
    if len(items) > MAX_OPEN_SHOWN:
        lines.append(f"…and {len(items) - MAX_OPEN_SHOWN} more: `/crisis actions`")
    return clip("*Still open*\n" + "\n".join(lines), 3000)


def nudge_blocks(facts: NudgeFacts) -> list[Block]:
    incident = facts.incident
    cadence = incident.cadence_seconds or 0
    who = mentions(facts.leads, empty=f"<@{incident.opened_by}>")
    return [
        SectionBlock(
            block_id=ids.NUDGE_TEXT,
            text=f":bell: {who} the stakeholder update for *{incident.ref}* is due. "
            f"{_since(facts)}",
        ),
        SectionBlock(block_id=ids.NUDGE_OPEN, text=open_items_text(facts.open_items)),
        ActionsBlock(
            block_id=ids.NUDGE_ACTIONS,
            elements=[
                ButtonElement(
                    text="Post update",
                    action_id=ids.POST_UPDATE,
                    value=str(incident.id),
                    style="primary",
                )
            ],
        ),
        ContextBlock(
            elements=[
                MarkdownTextObject(
                    text=f"No update within {format_duration(cadence)} and I escalate to the "
                    "executives."
                )
            ]
        ),
    ]


def escalation_text(incident: Incident, overdue: float) -> str:
    return f"{incident.ref} {safe(incident.title, 150)}: the update is {roughly(overdue)} overdue."


def escalation_blocks(
    incident: Incident, *, due_at: datetime, overdue: float, leads: Sequence[str]
) -> list[Block]:
    """The DM an executive gets: which incident, how overdue, who leads it, where it is."""
    return [
        SectionBlock(
            block_id=ids.ESCALATION_TEXT,
            text=f":rotating_light: *{incident.ref} {safe(incident.title, 250)}*: the stakeholder "
            f"update is *{roughly(overdue)} overdue* (it was due {when(due_at)}). The war room was "
            "nudged and nothing has been posted since.",
        ),
        SectionBlock(
            block_id=ids.ESCALATION_FACTS,
            fields=[
                MarkdownTextObject(text=f"*Status*\n{status_text(incident.status)}"),
                MarkdownTextObject(text=f"*Lead*\n{mentions(leads)}"),
            ],
        ),
        ContextBlock(
            elements=[MarkdownTextObject(text=f"War room: {channel_link(incident.channel_id)}")]
        ),
    ]


def escalation_note(*, since_nudge: float, reached: Sequence[str], unreached: Sequence[str]) -> str:
    """What the war room is told once the executives have been written to."""
    head = f":rotating_light: Still no update {roughly(since_nudge)} after the nudge"
    if not reached and not unreached:
        return (
            f"{head}, and nobody holds the *exec* role, so there was no one to escalate to. "
            "An admin can add one: `/crisis role add exec @person`."
        )
    text = f"{head}: I escalated to {mentions(reached, empty='nobody yet')} by direct message."
    if unreached:
        text += f" I couldn't reach {mentions(unreached)} yet and will keep trying."
    return text

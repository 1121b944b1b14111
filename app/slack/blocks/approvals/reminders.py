"""What a stalled approval sends: the approvers' reminder, the backup's ask, the lead's note."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from slack_sdk.models.blocks import Block, SectionBlock

from app.roles.models import Role
from app.slack import ids
from app.slack.blocks.text import mentions, safe
from app.updates.durations import roughly


@dataclass(frozen=True)
class Stall:
    """One approval that has waited too long, in plain values."""

    ref: str
    title: str
    role: Role
    kind: str  # "SEV1 public statement"
    waited: float  # seconds since it was asked
    response: float  # its response time, in seconds
    link: str | None  # the war-room card


def card_link(channel_id: str, ts: str) -> str:
    """A link to a message (Slack's archive link format)."""
    return f"https://slack.com/archives/{channel_id}/p{ts.replace('.', '')}"


def _what(stall: Stall) -> str:
    title = safe(stall.title, 200)
    return f"*{stall.ref}* “{title}”" + (f" (<{stall.link}|open the card>)" if stall.link else "")


def reminder_text(stall: Stall) -> str:
    return (
        f":hourglass: {_what(stall)} has waited {roughly(stall.waited)} for a decision from"
        f" *{stall.role.label}*. The response time for a {stall.kind} is"
        f" {roughly(stall.response)}; at {roughly(2 * stall.response)} the role's backup is"
        " asked too and the incident lead is told."
    )


def reminder_blocks(stall: Stall) -> list[Block]:
    return [SectionBlock(block_id=ids.APPROVAL_REMINDER_TEXT, text=reminder_text(stall))]


def backup_text(stall: Stall) -> str:
    return (
        f":rotating_light: You are *{stall.role.label}*'s backup: {_what(stall)} has waited"
        f" {roughly(stall.waited)} (response time {roughly(stall.response)}). You may decide"
        f" on it for {stall.role.label} on the card below."
    )


def backup_blocks(stall: Stall, card: Sequence[Block]) -> list[Block]:
    return [SectionBlock(block_id=ids.APPROVAL_BACKUP_TEXT, text=backup_text(stall)), *card]


def lead_note(
    stall: Stall,
    *,
    leads: Sequence[str],
    approvers: Sequence[str],
    asked: Sequence[str],
    unreached: Sequence[str],
) -> str:
    """The incident lead is told, under the war-room card."""
    role = stall.role.label
    head = (
        f":rotating_light: {mentions(leads, empty='Incident lead')}: *{stall.ref}* has waited"
        f" {roughly(stall.waited)} for {role} (response time {roughly(stall.response)});"
        f" {mentions(approvers, empty='nobody')} reminded at {roughly(stall.response)}."
    )
    if asked:
        head += f" Asked {role}'s backup {mentions(asked)}."
    if unreached:
        head += f" I couldn't reach the backup {mentions(unreached)}."
    if not asked and not unreached:
        head += (
            f" {role} has no backup: add one with"
            f" `/crisis role add {stall.role.value} @person --backup`."
        )
    return head

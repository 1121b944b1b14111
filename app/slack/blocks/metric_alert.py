"""A metric alert in the war room (with the lead's "Raise to SEVn" button) and in an
executive's DM. Pure builders: the alert's stored line is plain text, escaped here once."""

from __future__ import annotations

from slack_sdk.models.blocks import (
    ActionsBlock,
    Block,
    ButtonElement,
    ContextBlock,
    MarkdownTextObject,
    SectionBlock,
)

from app.errors import BadCommand
from app.metrics.alerts import MetricAlert
from app.metrics.thresholds import AlertKind
from app.slack import ids
from app.slack.blocks.text import channel_link, escape, mention, safe
from app.updates.durations import roughly

EMOJI = {
    AlertKind.RECOVERY: ":white_check_mark:",
    AlertKind.STALE: ":mute:",
}
WARNING = ":warning:"
LOST = "That button lost track of its alert; ask the lead to raise the severity with the brief."


def alert_text(alert: MetricAlert) -> str:
    """e.g. ":warning: views crossed 1M (now 2.7M, tiktok) · rule: views above 1M"."""
    return f"{EMOJI.get(alert.kind, WARNING)} {escape(alert.fired)}"


def alert_blocks(alert: MetricAlert, *, can_raise: bool) -> list[Block]:
    """The alert, what it changed, and the raise button while the lead may still press it
    (`can_raise`: the incident is open and below the alert's severity)."""
    blocks: list[Block] = [SectionBlock(block_id=ids.METRIC_ALERT_TEXT, text=alert_text(alert))]
    notes = _notes(alert)
    raise_to = alert.raise_to
    if raise_to is not None and alert.raised_by is None and can_raise:
        notes.append(f"The incident lead can raise {alert.ref} to {raise_to.value}.")
    if notes:
        elements = [MarkdownTextObject(text=" ".join(notes))]
        blocks.append(ContextBlock(elements=elements))
    if raise_to is not None and alert.raised_by is None and can_raise:
        button = ButtonElement(
            action_id=ids.METRIC_ALERT_RAISE,
            text=f"Raise to {raise_to.value}",
            value=str(alert.id),
            style="danger",
        )
        blocks.append(ActionsBlock(block_id=ids.METRIC_ALERT_ACTIONS, elements=[button]))
    return blocks


def _notes(alert: MetricAlert) -> list[str]:
    notes: list[str] = []
    if alert.cadence_seconds and alert.cadence_was:
        notes.append(
            f"Updates are now due every {roughly(alert.cadence_seconds)}"
            f" (was {roughly(alert.cadence_was)})."
        )
    if alert.escalate:
        notes.append("The executives are told by DM.")
    if alert.raised_by is not None and alert.raise_to is not None:
        notes.append(f"Raised to {alert.raise_to.value} by {mention(alert.raised_by)}.")
    return notes


def dm_text(alert: MetricAlert, *, title: str, channel_id: str) -> str:
    """An executive's DM: which war room, and the alert."""
    return (
        f"{EMOJI.get(alert.kind, WARNING)} *{alert.ref}* “{safe(title, 200)}”:"
        f" {escape(alert.fired)} War room: {channel_link(channel_id)}"
    )


def dm_blocks(alert: MetricAlert, *, title: str, channel_id: str) -> list[Block]:
    text = dm_text(alert, title=title, channel_id=channel_id)
    return [SectionBlock(block_id=ids.METRIC_ALERT_DM, text=text)]


def load_alert_id(value: str | None) -> int:
    """The alert id the raise button carries."""
    try:
        return int(value or "")
    except ValueError:
        raise BadCommand(LOST) from None

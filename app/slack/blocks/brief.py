"""The pinned incident brief, rebuilt from the incident's facts whenever they change."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime

from slack_sdk.models.blocks import (
    Block,
    ContextBlock,
    DividerBlock,
    HeaderBlock,
    MarkdownTextObject,
    SectionBlock,
)

from app.approvals.models import ActionState
from app.incidents.hold_models import LegalHold
from app.incidents.models import Incident, Kind, Severity, Status
from app.metrics.models import MetricPoint
from app.metrics.values import shown
from app.playbooks.models import ChecklistItem
from app.roles.models import Role
from app.slack import ids
from app.slack.blocks.brief_buttons import brief_buttons
from app.slack.blocks.checklist import checklist_block
from app.slack.blocks.text import clip, escape, mentions, safe, when
from app.updates.durations import format_duration

SEVERITY_ICON = {
    Severity.SEV1: ":red_circle:",
    Severity.SEV2: ":large_orange_circle:",
    Severity.SEV3: ":large_yellow_circle:",
}


@dataclass(frozen=True)
class BriefFacts:
    incident: Incident
    holders: Mapping[Role, Sequence[str]]
    action_counts: Mapping[ActionState, int] = field(default_factory=dict)
    extra_lines: Sequence[str] = field(default_factory=tuple)
    legal_hold: LegalHold | None = None
    checklist: Sequence[ChecklistItem] = field(default_factory=tuple)  # the playbook's
    # Per metric its newest point and the one before (app/metrics/service.latest).
    metrics: Mapping[str, Sequence[MetricPoint]] = field(default_factory=dict)


def brief_text(incident: Incident) -> str:
    return f"{incident.ref} {safe(incident.title, 200)}: {incident.severity} {incident.status}"


def brief_blocks(facts: BriefFacts) -> list[Block]:
    incident = facts.incident
    icon = SEVERITY_ICON[incident.severity]
    kind = ":sparkles: Positive virality" if incident.kind == Kind.POSITIVE else ":fire: Crisis"
    blocks: list[Block] = [
        HeaderBlock(block_id=ids.BRIEF_HEADER, text=clip(f"{incident.ref} {incident.title}", 150)),
        SectionBlock(
            block_id=ids.BRIEF_FACTS,
            fields=[
                MarkdownTextObject(text=f"*Severity*\n{icon} {incident.severity.label}"),
                MarkdownTextObject(text=f"*Kind*\n{kind}"),
                MarkdownTextObject(text=f"*Status*\n{incident.status.capitalize()}"),
                MarkdownTextObject(
                    text=f"*Opened*\n<@{incident.opened_by}>, {when(incident.opened_at)}"
                ),
            ],
        ),
    ]
    if incident.summary:
        blocks.append(SectionBlock(text=f"*Summary*\n{safe(incident.summary, 2900)}"))
    if facts.legal_hold is not None:
        blocks.append(SectionBlock(text=legal_hold_text(facts.legal_hold)))
    blocks.append(SectionBlock(block_id=ids.BRIEF_ROLES, text=roles_text(facts.holders)))
    blocks.append(SectionBlock(block_id=ids.BRIEF_ACTIONS, text=actions_text(facts.action_counts)))
    if facts.metrics:
        blocks.append(SectionBlock(text=metrics_text(facts.metrics)))
    if facts.checklist:
        blocks.append(checklist_block(facts.checklist, incident.crisis_kind))
    if incident.status != Status.RESOLVED and incident.id is not None:
        blocks.append(brief_buttons(incident.id, facts.checklist))
    blocks.append(DividerBlock())
    timing = [next_update_text(incident), last_update_text(incident)]
    blocks.append(ContextBlock(block_id=ids.BRIEF_NEXT, elements=timing))
    blocks.extend(SectionBlock(text=line) for line in facts.extra_lines)
    return blocks


def roles_text(holders: Mapping[Role, Sequence[str]]) -> str:
    lines = [f"*{role.label}*: {mentions(holders.get(role, ()))}" for role in Role]
    return clip("*Who holds what*\n" + "\n".join(lines), 3000)


COUNTED: tuple[ActionState, ...] = tuple(ActionState)


def actions_text(counts: Mapping[ActionState, int]) -> str:
    if not any(counts.values()):
        return "*Actions*\nNone proposed yet: " + escape("`/crisis propose <title>`")
    shown = [f"{counts.get(state, 0)} {state.replace('_', ' ')}" for state in COUNTED]
    return "*Actions*\n" + " · ".join(shown)


METRICS_SHOWN = 12  # lines of "Key metrics"; more are counted


def metrics_text(latest: Mapping[str, Sequence[MetricPoint]]) -> str:
    """*Key metrics*: one line per metric, "views 2.7M ↑ (tiktok, <date>)"."""
    lines = [metric_line(points) for points in latest.values() if points]
    more = len(lines) - METRICS_SHOWN
    shown_lines = lines[:METRICS_SHOWN] + ([f"…and {more} more"] if more > 0 else [])
    return clip("*Key metrics*\n" + "\n".join(shown_lines), 3000)


def metric_line(points: Sequence[MetricPoint]) -> str:
    """The newest value, its trend against the point before (↑ ↓ →; none for a first point),
    where it came from and when it was measured."""
    newest = points[0]
    arrow = f" {trend(newest.value, points[1].value)}" if len(points) > 1 else ""
    source = f"{safe(newest.source, 64)}, " if newest.source else ""
    value = shown(newest.value, newest.unit)
    return f"{escape(newest.metric)} *{escape(value)}*{arrow} ({source}{when(newest.at)})"


def trend(now: float, before: float) -> str:
    return "↑" if now > before else "↓" if now < before else "→"


def next_update_text(incident: Incident) -> MarkdownTextObject:
    due: datetime | None = incident.next_update_due
    if incident.status == "resolved":
        return MarkdownTextObject(text=":white_check_mark: Resolved: no more updates due")
    if due is None:
        return MarkdownTextObject(text=":pause_button: Update reminders are paused")
    cadence = incident.cadence_seconds
    every = f" · every {format_duration(cadence)}" if cadence else ""
    return MarkdownTextObject(text=f":alarm_clock: Next stakeholder update due {when(due)}{every}")


def last_update_text(incident: Incident) -> MarkdownTextObject:
    last: datetime | None = incident.last_update_at
    return MarkdownTextObject(text=f"Last update {when(last)}" if last else "No update posted yet")


def legal_hold_text(hold: LegalHold) -> str:
    """The brief's "Legal hold" line (mrkdwn): since when, by whom, why."""
    reason = f": {safe(hold.reason, 2000)}" if hold.reason else ""
    return (
        f":scales: *Legal hold* since {when(hold.held_at)}, placed by <@{hold.held_by}>{reason}. "
        "Never purged or archived until Legal releases it."
    )

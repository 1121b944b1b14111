"""The war-room checklist in the pinned brief: each step, ticked or not, and what ticked it."""

from __future__ import annotations

from collections.abc import Sequence

from slack_sdk.models.blocks import SectionBlock

from app.playbooks.book import TickEvent
from app.playbooks.models import ChecklistItem
from app.slack.blocks.text import clip, safe, when

BRIEF_CHECKLIST = "brief_checklist"
TICKED = ":white_check_mark:"
OPEN = ":white_large_square:"


def checklist_block(items: Sequence[ChecklistItem], crisis_kind: str | None) -> SectionBlock:
    done = sum(1 for item in items if item.ticked_at is not None)
    playbook = f" · playbook `{safe(crisis_kind, 48)}`" if crisis_kind else ""
    head = f"*War-room checklist*{playbook} · {done} of {len(items)} done"
    lines = [item_line(item) for item in items]
    return SectionBlock(block_id=BRIEF_CHECKLIST, text=clip("\n".join([head, *lines]), 3000))


def item_line(item: ChecklistItem) -> str:
    step = f"*{item.step.capitalize()}*: {safe(item.label, 150)}"
    if item.ticked_at is None:
        hint = f" _(ticks when {_event(item.ticks_on)})_" if item.ticks_on else ""
        return f"{OPEN} {step}{hint}"
    what = _event(item.ticks_on) if item.ticks_on else "ticked"
    subject = f"{safe(item.ticked_for, 64)} " if item.ticked_for else ""
    who = f" by <@{item.ticked_by}>" if item.ticked_by else ""
    return f"{TICKED} {step} · _{subject}{what}{who}, {when(item.ticked_at)}_"


def _event(value: str) -> str:
    try:
        return TickEvent(value).label
    except ValueError:
        return str(value)

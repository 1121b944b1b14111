"""Thread replies under a card: the outcome once it is settled, and what a revision changed."""

from __future__ import annotations

import difflib
from collections.abc import Sequence
from itertools import islice

from app.approvals.models import ActionRevision, ActionState, Approval, DecisionState
from app.approvals.queries import ActionCard
from app.slack.blocks.approvals.icons import ACTION_ICON
from app.slack.blocks.text import ELLIPSIS, escape, mention, safe, when

TEXT_MAX = 3000
REASON_MAX = 1000
FENCE = "```"


def _who(approval: Approval) -> str:
    parts = [approval.role.label]
    if approval.decided_by:
        parts.append(mention(approval.decided_by))
    if approval.decided_at:
        parts.append(when(approval.decided_at))
    return " ".join(parts)


def _decided(approvals: Sequence[Approval], state: DecisionState) -> list[Approval]:
    return [approval for approval in approvals if approval.state == state]


def outcome_reply(card: ActionCard) -> str:
    """One line for the card's thread saying how the action was settled, by whom and when."""
    action = card.action
    state = action.state
    icon, title = ACTION_ICON[state], safe(action.title, 300)
    if state == ActionState.APPROVED:
        approvers = "; ".join(_who(a) for a in _decided(card.approvals, DecisionState.APPROVED))
        owner = f" {mention(action.owner)} can go ahead." if action.owner else ""
        return f"{icon} *{action.ref} approved*: {title}\nApproved by {approvers}.{owner}"
    if state in (ActionState.REJECTED, ActionState.CHANGES_REQUESTED):
        wanted = (
            DecisionState.REJECTED
            if state == ActionState.REJECTED
            else DecisionState.CHANGES_REQUESTED
        )
        lines = [f"{icon} *{action.ref} {state.label.lower()}*: {title}"]
        for approval in _decided(card.approvals, wanted):
            reason = f": “{safe(approval.reason, REASON_MAX)}”" if approval.reason else ""
            lines.append(f"{_who(approval)}{reason}")
        if state == ActionState.CHANGES_REQUESTED:
            lines.append(f"{mention(action.proposer)} can revise it from the card.")
        return "\n".join(lines)
    if state == ActionState.DONE:
        by = f" by {mention(action.done_by)}" if action.done_by else ""
        at = f" {when(action.done_at)}" if action.done_at else ""
        note = f"\n{safe(action.done_note, 2000)}" if action.done_note else ""
        return f"{icon} *{action.ref} done*{by}{at}: {title}{note}"
    waiting = ", ".join(a.role.label for a in _decided(card.approvals, DecisionState.PENDING))
    return f"{icon} *{action.ref}* is waiting on {waiting or 'nobody'}: {title}"


def revision_diff(old: ActionRevision, new: ActionRevision) -> str:
    """What changed between two revisions, as escaped mrkdwn of at most 3,000 characters."""
    head = f":pencil2: *A-{new.action_id} revised* to revision {new.revision} by {mention(new.by)}"
    lines = [f"{head} {when(new.at)}"]
    if old.title != new.title:
        lines.append(f"*Title* was “{safe(old.title, 300)}”, now “{safe(new.title, 300)}”")
    if old.details == new.details:
        lines.append("_The draft wording is unchanged._")
        return "\n".join(lines)
    intro = "\n".join(lines) + "\n*Draft wording*\n" + FENCE + "\n"
    budget = TEXT_MAX - len(intro) - len("\n" + FENCE)
    return intro + _diff_body(old.details, new.details, budget) + "\n" + FENCE


def _diff_body(old: str, new: str, budget: int) -> str:
    """A unified line diff without file headers, escaped, cut at a line to fit `budget`."""
    diff = difflib.unified_diff(old.splitlines(), new.splitlines(), lineterm="", n=1)
    lines = ["⋯" if line.startswith("@@") else line for line in islice(diff, 2, None)]
    if lines[:1] == ["⋯"]:
        lines.pop(0)
    escaped = [escape(line) for line in lines]
    if len("\n".join(escaped)) <= budget:
        return "\n".join(escaped)
    out: list[str] = []
    used = 0
    for raw, line in zip(lines, escaped, strict=True):
        gap = 1 if out else 0
        if used + gap + len(line) > budget - 2:
            room = budget - used - gap
            out.append(safe(raw, room) if room > 20 else ELLIPSIS)
            break
        out.append(line)
        used += gap + len(line)
    return "\n".join(out)

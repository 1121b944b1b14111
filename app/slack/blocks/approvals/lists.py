"""`/crisis actions` (every action in the incident and its state) and `/crisis policy`."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence

from slack_sdk.models.blocks import (
    Block,
    ContextBlock,
    HeaderBlock,
    MarkdownTextObject,
    SectionBlock,
)

from app.approvals.models import Action, ActionState
from app.approvals.policy import ApprovalPolicy, Category, describe_policy
from app.slack.blocks.approvals.icons import ACTION_ICON
from app.slack.blocks.text import mention, safe

MAX_LISTED = 46
PHRASES_MAX = 2900


def actions_list_blocks(actions: Sequence[Action]) -> list[Block]:
    """A header, a tally, one section per action (at most 46) and a note for the rest."""
    if not actions:
        return [SectionBlock(text="No actions have been proposed in this incident yet.")]
    tally = Counter(action.state for action in actions)
    summary = " · ".join(
        f"{ACTION_ICON[state]} {tally[state]} {state.label.lower()}"
        for state in ActionState
        if tally[state]
    )
    blocks: list[Block] = [
        HeaderBlock(text="Proposed actions"),
        ContextBlock(elements=[MarkdownTextObject(text=summary)]),
    ]
    blocks.extend(SectionBlock(text=action_line(action)) for action in actions[:MAX_LISTED])
    if len(actions) > MAX_LISTED:
        rest = len(actions) - MAX_LISTED
        note = f"…and {rest} more; the oldest are shown first."
        blocks.append(ContextBlock(elements=[MarkdownTextObject(text=note)]))
    return blocks


def action_line(action: Action) -> str:
    state = action.state
    owner = f" · owner {mention(action.owner)}" if action.owner else ""
    revision = f" · revision {action.revision}" if action.revision > 1 else ""
    return (
        f"{ACTION_ICON[state]} *{action.ref}* {safe(action.title, 300)}\n"
        f"{action.category.label} · {state.label}{owner}{revision}"
    )


def policy_blocks(policy: ApprovalPolicy) -> list[Block]:
    """Who approves each category, which drafts are screened, and the phrases screened for."""
    lines = []
    for label, roles, guarded in describe_policy(policy):
        who = " + ".join(role.label for role in roles)
        screen = " · :shield: wording screened" if guarded else ""
        lines.append(f"*{label}*: {who}{screen}")
    phrases = ", ".join(f"“{phrase}”" for phrase in policy.fault_phrases) or "_none_"
    return [
        HeaderBlock(text="Approval policy"),
        SectionBlock(text="\n".join(lines)),
        ContextBlock(
            elements=[
                MarkdownTextObject(
                    text=f":shield: Screened drafts are flagged for Legal when they contain: "
                    f"{safe(phrases, PHRASES_MAX)}"
                )
            ]
        ),
        ContextBlock(elements=[MarkdownTextObject(text=four_eyes_text(policy))]),
    ]


def four_eyes_text(policy: ApprovalPolicy) -> str:
    """The separation of duties in force, and the categories the policy file exempts."""
    line = ":busts_in_silhouette: Four-eyes rule: nobody decides on what they proposed or revised"
    exempt = [c.label for c in Category if policy.allows_self_approval(c)]
    return f"{line}, except: {', '.join(exempt)}." if exempt else f"{line}."

"""The approval card: what is proposed, who must decide, and a button row per pending role.

Every copy of the card (channel, DMs, threads) is built from the same `ActionCard`, so a
decision from any copy can rebuild them all.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from slack_sdk.models.blocks import (
    Block,
    ContextBlock,
    HeaderBlock,
    MarkdownTextObject,
    SectionBlock,
)

from app.approvals.guard import find_fault_phrases
from app.approvals.models import ActionState, Approval, DecisionState
from app.approvals.policy import ApprovalPolicy
from app.approvals.queries import ActionCard
from app.library.origin import load_origin
from app.roles.models import Role
from app.slack import ids
from app.slack.blocks import library_ids
from app.slack.blocks.approvals.buttons import decision_block, follow_up_block
from app.slack.blocks.approvals.highlight import highlight
from app.slack.blocks.approvals.icons import ACTION_ICON, DECISION_ICON, DECISION_WORDS
from app.slack.blocks.approvals.variants import (
    post_button,
    variant_flags,
    variant_sections,
    variant_warning,
)
from app.slack.blocks.library_origin import origin_text
from app.slack.blocks.text import channel_link, clip, mention, mentions, safe, when

SECTION_MAX = 3000
DRAFT_LABEL = "*Draft wording*\n"
REASON_MAX = 300
MENTIONS_PER_ROLE = 10
PHRASES_SHOWN = 10


def card_text(card: ActionCard) -> str:
    """The notification and fallback text for the card."""
    action = card.action
    state = action.state
    title = safe(action.title, 200)
    if state == ActionState.PENDING:
        waiting = [a.role.label for a in card.approvals if a.state == DecisionState.PENDING]
        return f"{action.ref} needs approval from {' and '.join(waiting)}: {title}"
    return f"{action.ref} {state.label.lower()}: {title}"


def approval_card(
    card: ActionCard,
    *,
    members: Mapping[Role, Sequence[str]],
    policy: ApprovalPolicy,
    closed: str | None = None,
) -> list[Block]:
    """The card; `closed` (the incident is resolved or archived) replaces every button."""
    action = card.action
    flagged = flagged_phrases(card, policy)
    by_variant = variant_flags(card, policy)
    blocks: list[Block] = [
        HeaderBlock(block_id=ids.CARD_HEADER, text=clip(f"{action.ref} · {action.title}", 150)),
        SectionBlock(block_id=ids.CARD_FACTS, fields=facts(card)),
    ]
    if flagged:
        warning = "\n".join(filter(None, [warning_text(flagged), variant_warning(by_variant)]))
        blocks.append(SectionBlock(block_id=ids.CARD_WARNING, text=clip(warning, SECTION_MAX)))
    if action.details:
        blocks.append(SectionBlock(block_id=ids.CARD_DRAFT, text=draft_text(card, policy)))
    if action.library_origin:
        origin = origin_text(
            load_origin(action.library_origin),
            details=action.details,
            unchanged=bool(action.library_unchanged),
            variants=bool(card.variants),
        )
        origin = clip(origin, SECTION_MAX)
        blocks.append(SectionBlock(block_id=library_ids.CARD_ORIGIN, text=origin))
    blocks.extend(variant_sections(card, policy))
    blocks.append(SectionBlock(block_id=ids.CARD_ROLES, text=roles_text(card.approvals)))
    blocks.extend(next_steps(card, members, flagged, closed=closed))
    blocks.append(ContextBlock(block_id=ids.CARD_FOOTER, elements=[footer(card)]))
    return blocks


def flagged_phrases(card: ActionCard, policy: ApprovalPolicy) -> list[str]:
    """The fault phrases in the title, draft or any variant, when the category is screened."""
    action = card.action
    if not policy.is_guarded(action.category):
        return []
    found = find_fault_phrases(f"{action.title}\n{action.details}", policy.fault_phrases)
    in_variants = [phrase for phrases in variant_flags(card, policy).values() for phrase in phrases]
    return list(dict.fromkeys([*(match.phrase for match in found), *in_variants]))


def facts(card: ActionCard) -> list[MarkdownTextObject]:
    action = card.action
    state = action.state
    owner = mention(action.owner) if action.owner else "_nobody yet_"
    return [
        MarkdownTextObject(text=f"*Category*\n{action.category.label}"),
        MarkdownTextObject(text=f"*State*\n{ACTION_ICON[state]} {state.label}"),
        MarkdownTextObject(text=f"*Proposed by*\n{mention(action.proposer)}"),
        MarkdownTextObject(text=f"*Owner*\n{owner}"),
        MarkdownTextObject(
            text=f"*Incident*\n{card.incident_ref} {channel_link(card.incident_channel_id)}"
        ),
        MarkdownTextObject(text=f"*Revision*\n{action.revision}"),
    ]


def warning_text(flagged: Sequence[str]) -> str:
    shown = ", ".join(f"“{safe(phrase, 80)}”" for phrase in flagged[:PHRASES_SHOWN])
    more = f" and {len(flagged) - PHRASES_SHOWN} more" if len(flagged) > PHRASES_SHOWN else ""
    return f":warning: *Possible admission of fault*: {shown}{more}. Legal, please review."


def draft_text(card: ActionCard, policy: ApprovalPolicy) -> str:
    details = card.action.details
    guarded = policy.is_guarded(card.action.category)
    matches = find_fault_phrases(details, policy.fault_phrases) if guarded else []
    return DRAFT_LABEL + highlight(details, matches, limit=SECTION_MAX - len(DRAFT_LABEL))


def roles_text(approvals: Sequence[Approval]) -> str:
    lines = [decision_line(approval) for approval in approvals]
    return clip("*Approvals*\n" + "\n".join(lines), SECTION_MAX)


def decision_line(approval: Approval) -> str:
    state = approval.state
    head = f"{DECISION_ICON[state]} *{approval.role.label}*: {DECISION_WORDS[state]}"
    if state == DecisionState.PENDING or not approval.decided_by:
        return head
    line = f"{head} by {mention(approval.decided_by)}"
    if approval.decided_at:
        line += f" {when(approval.decided_at)}"
    if approval.reason:
        line += f": “{safe(approval.reason, REASON_MAX)}”"
    return line


def next_steps(
    card: ActionCard,
    members: Mapping[Role, Sequence[str]],
    flagged: Sequence[str],
    *,
    closed: str | None = None,
) -> list[Block]:
    action = card.action
    state = action.state
    if closed and state != ActionState.DONE:
        return [SectionBlock(block_id=ids.CARD_FOLLOW_UP, text=closed)]
    if state == ActionState.PENDING:
        pending = [a.role for a in card.approvals if a.state == DecisionState.PENDING]
        blocks: list[Block] = [waiting_block(pending, members)] if pending else []
        blocks.extend(decision_block(action, role, flagged=flagged) for role in pending)
        return blocks
    if state == ActionState.APPROVED:
        done = follow_up_block(action, label="Mark done", action_id=ids.MARK_DONE)
        return [done, *post_button(card)]
    if state == ActionState.CHANGES_REQUESTED:
        return [follow_up_block(action, label="Revise", action_id=ids.REVISE)]
    if state == ActionState.DONE:
        return [SectionBlock(block_id=ids.CARD_FOLLOW_UP, text=done_text(card))]
    return []


def waiting_block(pending: Sequence[Role], members: Mapping[Role, Sequence[str]]) -> ContextBlock:
    elements = [
        MarkdownTextObject(text=f"Waiting on *{role.label}*: {role_members(role, members)}")
        for role in pending
    ]
    return ContextBlock(block_id=ids.CARD_WAITING, elements=elements)


def role_members(role: Role, members: Mapping[Role, Sequence[str]]) -> str:
    people = list(dict.fromkeys(members.get(role, ())))
    if not people:
        return f"_nobody holds this role; an admin can add someone with `/crisis role add {role}`_"
    shown = mentions(people[:MENTIONS_PER_ROLE])
    extra = len(people) - MENTIONS_PER_ROLE
    return f"{shown} and {extra} more" if extra > 0 else shown


def done_text(card: ActionCard) -> str:
    action = card.action
    line = f"{ACTION_ICON[ActionState.DONE]} *Done*"
    if action.done_by:
        line += f" by {mention(action.done_by)}"
    if action.done_at:
        line += f" {when(action.done_at)}"
    if action.done_note:
        line += f"\n{safe(action.done_note, 2500)}"
    return line


def footer(card: ActionCard) -> MarkdownTextObject:
    action = card.action
    text = f"{action.ref} · proposed {when(action.created_at)}"
    if card.revisions > 1:
        text += f" · revised {card.revisions - 1}×, last change {when(action.updated_at)}"
    return MarkdownTextObject(text=text)

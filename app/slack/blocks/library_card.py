"""The approval card of a library version: the words, what changed, who must decide."""

from __future__ import annotations

from slack_sdk.models.blocks import (
    ActionsBlock,
    Block,
    ButtonElement,
    ConfirmObject,
    ContextBlock,
    HeaderBlock,
    MarkdownTextObject,
    SectionBlock,
)

from app.approvals.guard import find_fault_phrases
from app.approvals.models import DecisionState
from app.approvals.policy import ApprovalPolicy
from app.errors import BadCommand
from app.library.models import LibraryApproval, VersionState
from app.library.queries import VersionCard
from app.library.service import CATEGORY
from app.roles.models import Role
from app.slack.blocks import library_ids as ids
from app.slack.blocks.approvals.card import warning_text
from app.slack.blocks.approvals.highlight import highlight
from app.slack.blocks.approvals.icons import DECISION_ICON, DECISION_WORDS
from app.slack.blocks.library_diff import text_diff
from app.slack.blocks.text import clip, escape, mention, safe, when

STATE_ICON = {
    VersionState.PENDING: ":hourglass_flowing_sand:",
    VersionState.APPROVED: ":white_check_mark:",
    VersionState.REJECTED: ":no_entry:",
}
STALE = "That button is from an older library card; open the latest one and try again."


def card_text(card: VersionCard) -> str:
    version, key = card.version, card.entry.key
    if version.state == VersionState.PENDING:
        waiting = [a.role.label for a in card.approvals if a.state == DecisionState.PENDING]
        return f"Library “{key}” v{version.version} needs approval from {' and '.join(waiting)}"
    return f"Library “{key}” v{version.version} {version.state.label.lower()}"


def version_card(card: VersionCard, *, policy: ApprovalPolicy) -> list[Block]:
    entry, version = card.entry, card.version
    guarded = policy.is_guarded(CATEGORY)
    whole = f"{version.title}\n{version.text}"
    found = find_fault_phrases(whole, policy.fault_phrases) if guarded else []
    flagged = list(dict.fromkeys(match.phrase for match in found))
    matches = find_fault_phrases(version.text, policy.fault_phrases) if guarded else []
    head = f"Library · {entry.key} v{version.version} · {version.title}"
    blocks: list[Block] = [
        HeaderBlock(text=clip(head, 150)),
        SectionBlock(
            fields=[
                MarkdownTextObject(text=f"*Crisis kind*\n{entry.kind}"),
                MarkdownTextObject(text=f"*Audience*\n{entry.audience}"),
                MarkdownTextObject(text=f"*Proposed by*\n{mention(version.proposed_by)}"),
                MarkdownTextObject(
                    text=f"*State*\n{STATE_ICON[version.state]} {version.state.label}"
                ),
            ]
        ),
    ]
    if flagged:
        blocks.append(SectionBlock(text=warning_text(flagged)))
    blocks.append(SectionBlock(text="*Statement*\n" + highlight(version.text, matches, limit=2900)))
    if card.previous is not None:
        previous = card.previous
        label = f"*Changes from approved v{previous.version}*\n"
        if previous.title != version.title:
            label += f"Title was “{safe(previous.title, 300)}”\n"
        blocks.append(SectionBlock(text=label + text_diff(previous.text, version.text)))
    lines = "\n".join(decision_line(approval) for approval in card.approvals)
    blocks.append(SectionBlock(text=clip("*Approvals*\n" + lines, 3000)))
    if version.state == VersionState.PENDING:
        blocks.extend(
            decision_block(card, a.role, flagged)
            for a in card.approvals
            if a.state == DecisionState.PENDING
        )
    footer = f"Proposed {when(version.proposed_at)}"
    if version.state == VersionState.APPROVED:
        footer += f" · use it in a war room: `/crisis propose --from-library {escape(entry.key)}`"
    blocks.append(ContextBlock(elements=[MarkdownTextObject(text=footer)]))
    return blocks


def decision_line(approval: LibraryApproval) -> str:
    state = approval.state
    line = f"{DECISION_ICON[state]} *{approval.role.label}*: {DECISION_WORDS[state]}"
    if approval.decided_by:
        line += f" by {mention(approval.decided_by)}"
    if approval.decided_at:
        line += f" {when(approval.decided_at)}"
    if approval.reason:
        line += f": “{safe(approval.reason, 300)}”"
    return line


def decision_block(card: VersionCard, role: Role, flagged: list[str]) -> ActionsBlock:
    value = f"{card.version.id}:{role.value}"
    confirm = None
    if flagged:
        confirm = ConfirmObject(
            title="Approve anyway?",
            text=clip("The statement may admit fault. Approve it as written?", 300),
            confirm="Approve",
            deny="Back",
        )
    return ActionsBlock(
        block_id=f"{ids.DECIDE_BLOCK}{role.value}",
        elements=[
            ButtonElement(
                text=clip(f"Approve as {role.label}", 75),
                action_id=ids.APPROVE,
                value=value,
                style="primary",
                confirm=confirm,
            ),
            ButtonElement(text="Reject", action_id=ids.REJECT, value=value, style="danger"),
        ],
    )


def load_value(raw: str | None) -> tuple[int, Role]:
    """The version and role a decision button stands for."""
    version, _, role = (raw or "").partition(":")
    if not version.isdigit() or role not in {r.value for r in Role}:
        raise BadCommand(STALE)
    return int(version), Role(role)


def outcome_line(card: VersionCard) -> str:
    """The DM to the proposer once a version is settled."""
    version, key = card.version, escape(card.entry.key)
    if version.state == VersionState.APPROVED:
        return (
            f":white_check_mark: Library “{key}” v{version.version} is approved and can be "
            f"used: `/crisis propose --from-library {key}`."
        )
    reasons = "; ".join(
        f"{a.role.label}: “{safe(a.reason or '', 300)}”"
        for a in card.approvals
        if a.state == DecisionState.REJECTED
    )
    return f":no_entry: Library “{key}” v{version.version} was rejected. {reasons}"

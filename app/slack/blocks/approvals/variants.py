"""The audience variants on a card, their diff in a revision reply, and the posts made of them.

Every variant's text is the user's: it is escaped here (highlighted, clipped or fenced) once.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from slack_sdk.models.blocks import ActionsBlock, Block, ButtonElement, SectionBlock

from app.approvals.guard import find_fault_phrases
from app.approvals.models import Action, ActionState
from app.approvals.policy import ApprovalPolicy
from app.approvals.queries import ActionCard
from app.approvals.variants import AUDIENCES, ActionVariant, Audience, flagged
from app.slack.blocks.approvals.highlight import highlight
from app.slack.blocks.approvals.replies import FENCE, _diff_body
from app.slack.blocks.approvals.variants_ids import CARD_VARIANT, POST, POST_BLOCK, POSTED_COPY
from app.slack.blocks.text import channel_link, escape, safe

SECTION_MAX = 3000
DIFF_MAX = 1500  # per changed variant, in a revision's thread reply
PHRASES_SHOWN = 5


def variant_flags(card: ActionCard, policy: ApprovalPolicy) -> dict[Audience, list[str]]:
    """The fault phrases in each variant, when the card's category is screened."""
    if not policy.is_guarded(card.action.category):
        return {}
    return flagged({v.audience: v.text for v in card.variants}, policy.fault_phrases)


def variant_warning(found: Mapping[Audience, Sequence[str]]) -> str:
    """Which variants the guard flagged, one line each (empty when none)."""
    lines = []
    for audience, phrases in found.items():
        shown = ", ".join(f"“{safe(phrase, 80)}”" for phrase in phrases[:PHRASES_SHOWN])
        lines.append(f"In the *{audience.label}* variant: {shown}")
    return "\n".join(lines)


def variant_sections(card: ActionCard, policy: ApprovalPolicy) -> list[Block]:
    """One section per variant, labelled with its audience (and where it was posted)."""
    guarded = policy.is_guarded(card.action.category)
    blocks: list[Block] = []
    for variant in card.variants:
        label = f"*For {variant.audience.label}*"
        if variant.posted_channel:
            label += f" · posted in {channel_link(variant.posted_channel)}"
        label += "\n"
        matches = find_fault_phrases(variant.text, policy.fault_phrases) if guarded else []
        body = highlight(variant.text, matches, limit=SECTION_MAX - len(label))
        blocks.append(
            SectionBlock(block_id=f"{CARD_VARIANT}{variant.audience.value}", text=label + body)
        )
    return blocks


def post_button(card: ActionCard) -> list[Block]:
    """ "Post variants" on an approved card while any variant is still to be posted."""
    action = card.action
    waiting = [v for v in card.variants if v.posted_ts is None]
    if action.state != ActionState.APPROVED or not waiting:
        return []
    button = ButtonElement(text="Post variants", action_id=POST, value=str(action.id))
    return [ActionsBlock(block_id=POST_BLOCK, elements=[button])]


def variant_post(
    action: Action, variant: ActionVariant, *, incident_ref: str
) -> tuple[str, list[Block]]:
    """The message for an audience's own channel: the approved words, escaped."""
    about = (
        f"*{safe(action.title, 300)}* · approved message for *{variant.audience.label}* "
        f"({incident_ref}, {action.ref} revision {action.revision})"
    )
    return audience_post(variant.audience, variant.text, about=about)


def audience_post(audience: Audience, words: str, *, about: str) -> tuple[str, list[Block]]:
    """A variant for its audience's channel: `about` (mrkdwn, escaped by the caller), the words."""
    body = safe(words, SECTION_MAX)
    text = f"{audience.label}: {safe(words, 2000)}"
    return text, [SectionBlock(text=about), SectionBlock(text=body)]


def copy_ready(
    action: Action, variant: ActionVariant, *, incident_ref: str
) -> tuple[str, list[Block]]:
    """The block the team copies for customers, press or social: the words in a code block."""
    source = f"{safe(action.title, 300)} ({incident_ref}, {action.ref} revision {action.revision}"
    return copy_ready_post(variant.audience, variant.text, source=source + ", approved)")


def copy_ready_post(audience: Audience, words: str, *, source: str) -> tuple[str, list[Block]]:
    """Any variant as a copy-ready block; `source` (escaped mrkdwn) says where it comes from."""
    about = f":clipboard: *Copy-ready for {audience.label}* · {source}"
    room = SECTION_MAX - 2 * len(FENCE) - 2
    fenced = safe(words.replace(FENCE, "`\u200b``"), room)
    body = SectionBlock(block_id=POSTED_COPY, text=f"{FENCE}\n{fenced}\n{FENCE}")
    text = f"Copy-ready for {audience.label}: {safe(words, 2000)}"
    return text, [SectionBlock(text=about), body]


def variants_diff(old: Mapping[Audience, str], new: Mapping[Audience, str]) -> str:
    """What a revision changed in the variants, per variant, as escaped mrkdwn ("" if nothing)."""
    parts: list[str] = []
    for audience in AUDIENCES:
        before, after = old.get(audience, ""), new.get(audience, "")
        if before == after:
            continue
        if not before:
            parts.append(f"*{audience.label} variant* added: “{safe(after, DIFF_MAX)}”")
        elif not after:
            parts.append(f"*{audience.label} variant* removed (was “{safe(before, DIFF_MAX)}”)")
        else:
            body = _diff_body(before, after, DIFF_MAX)
            parts.append(f"*{audience.label} variant*\n{FENCE}\n{body}\n{FENCE}")
    return "\n".join(parts)


def posted_summary(action: Action, posts: Sequence[tuple[Audience, str]], failed: str) -> str:
    """The thread reply saying which variant went where; `failed` lists those that did not."""
    lines = [f":outbox_tray: *Variants of {action.ref} posted* (revision {action.revision})"]
    lines += [f"{audience.label} → {channel_link(channel)}" for audience, channel in posts]
    if failed:
        lines.append(f":warning: Not posted: {escape(failed)}. Press Post variants to try again.")
    return "\n".join(lines)

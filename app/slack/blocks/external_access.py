"""Legal's card about outside people held back from a SEV1 war room, and the opener's line.

Pure builders: people's names and organisations come from Slack (user text), escaped here
once. Outside people are named, never mentioned: they are not in the room, and a mention
would only make Slack offer to invite them."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from slack_sdk.models.blocks import (
    ActionsBlock,
    Block,
    ButtonElement,
    ContextBlock,
    MarkdownTextObject,
    SectionBlock,
)

from app.errors import BadCommand
from app.incidents.external_access import Outsider
from app.incidents.external_models import AccessState
from app.slack.blocks.external_ids import ALLOW, DECLINE, EXTERNAL_ACTIONS, EXTERNAL_TEXT
from app.slack.blocks.text import mention, mentions, safe, when

SHOWN = 20  # people listed on the card; the rest are counted
NAME_MAX = 80
LOST = "That button lost track of its request; ask Legal to look at the card in the war room."


def person(outsider: Outsider) -> str:
    """e.g. "Dana Reyes (Acme PR)", escaped."""
    name = safe(outsider.name or outsider.user_id, NAME_MAX)
    return f"{name} ({safe(outsider.organisation, NAME_MAX)})"


def people_list(people: Sequence[Outsider]) -> str:
    lines = [f"• {person(p)}" for p in people[:SHOWN]]
    if len(people) > SHOWN:
        lines.append(f"…and {len(people) - SHOWN} more")
    return "\n".join(lines)


def opener_line(people: Sequence[Outsider]) -> str:
    """The one line the opener reads about the people who are not in yet."""
    names = ", ".join(person(p) for p in people[:5])
    more = f" and {len(people) - 5} more" if len(people) > 5 else ""
    return (
        f"{names}{more} {'is' if len(people) == 1 else 'are'} not in the war room yet: a SEV1 "
        "war room takes people from other organisations only once Legal allows it, and Legal "
        "is asked there now."
    )


def ask_text(ref: str, legal: Sequence[str]) -> str:
    who = mentions(legal, empty="Legal (nobody holds the role: an admin must name someone)")
    return (
        f":lock: {who}: {ref} is SEV1 and these people from other organisations are not in "
        "the war room until Legal allows them."
    )


def ask_blocks(
    *, ref: str, legal: Sequence[str], people: Sequence[Outsider], access_id: int
) -> list[Block]:
    """The card while Legal has not decided: who waits, from where, and Allow / Decline."""
    note = "Only Legal can decide. Allow invites them all; Decline leaves them out. "
    note += "Either way it is written to the legal record."
    buttons = [
        ButtonElement(action_id=ALLOW, text="Allow", value=str(access_id), style="primary"),
        ButtonElement(action_id=DECLINE, text="Decline", value=str(access_id), style="danger"),
    ]
    return [
        SectionBlock(block_id=EXTERNAL_TEXT, text=f"{ask_text(ref, legal)}\n{people_list(people)}"),
        ContextBlock(elements=[MarkdownTextObject(text=note)]),
        ActionsBlock(block_id=EXTERNAL_ACTIONS, elements=buttons),
    ]


def decided_text(state: AccessState, *, by: str, at: datetime) -> str:
    if state == AccessState.ALLOWED:
        return f":white_check_mark: Allowed by {mention(by)} {when(at)}: they are invited."
    return f":no_entry: Declined by {mention(by)} {when(at)}: they stay out of the war room."


def decided_blocks(
    *, ref: str, people: Sequence[Outsider], state: AccessState, by: str, at: datetime
) -> list[Block]:
    """The card once Legal decided: no buttons, who decided and when."""
    head = f":lock: {ref} is SEV1; people from other organisations asked Legal to join:"
    return [
        SectionBlock(block_id=EXTERNAL_TEXT, text=f"{head}\n{people_list(people)}"),
        ContextBlock(elements=[MarkdownTextObject(text=decided_text(state, by=by, at=at))]),
    ]


def load_access_id(value: object) -> int:
    """The ask's id from a button's value, or a refusal (a card from another version)."""
    if isinstance(value, str) and value.isdigit():
        return int(value)
    raise BadCommand(LOST)

"""The buttons on an approval card, and the encoding of the values they carry back."""

from __future__ import annotations

from collections.abc import Sequence

from slack_sdk.models.blocks import ActionsBlock, ButtonElement, ConfirmObject

from app.approvals.forms import DecisionValue
from app.approvals.models import Action, Decision
from app.errors import BadCommand
from app.roles.models import Role
from app.slack import ids
from app.slack.blocks.text import clip, escape

DECISIONS: dict[str, Decision] = {
    ids.APPROVE: Decision.APPROVE,
    ids.REQUEST_CHANGES: Decision.REQUEST_CHANGES,
    ids.REJECT: Decision.REJECT,
}
STALE = "That button is from an older card; open the latest card and try again."


def dump_value(value: DecisionValue) -> str:
    """A decision button's `value`: `action:revision:role`, as in `12:2:legal`."""
    return f"{value.action_id}:{value.revision}:{value.role.value}"


def load_value(raw: str | None) -> DecisionValue:
    """The decision a button's `value` stands for; anything else is an old or forged card."""
    parts = (raw or "").split(":")
    if len(parts) != 3 or not parts[0].isdigit() or not parts[1].isdigit():
        raise BadCommand(STALE)
    if parts[2] not in {role.value for role in Role}:
        raise BadCommand(STALE)
    return DecisionValue(int(parts[0]), int(parts[1]), Role(parts[2]))


def action_id_of(raw: str | None) -> int:
    """The action id a Revise or Mark done button carries."""
    if not raw or not raw.isdigit():
        raise BadCommand(STALE)
    return int(raw)


def decision_block(
    action: Action, role: Role, *, flagged: Sequence[str] = (), block_id: str | None = None
) -> ActionsBlock:
    """Approve / Request changes / Reject for one role; `flagged` phrases make Approve confirm."""
    assert action.id is not None
    value = dump_value(DecisionValue(action.id, action.revision, role))
    approve = ButtonElement(
        text=clip(f"Approve as {role.label}", 75),
        action_id=ids.APPROVE,
        value=value,
        style="primary",
        confirm=_fault_confirm(flagged) if flagged else None,
    )
    return ActionsBlock(
        block_id=block_id or f"{ids.CARD_DECIDE}{role.value}",
        elements=[
            approve,
            ButtonElement(text="Request changes", action_id=ids.REQUEST_CHANGES, value=value),
            ButtonElement(text="Reject", action_id=ids.REJECT, value=value, style="danger"),
        ],
    )


def _fault_confirm(flagged: Sequence[str]) -> ConfirmObject:
    phrases = ", ".join(f"“{escape(phrase)}”" for phrase in flagged[:5])
    return ConfirmObject(
        title="Approve anyway?",
        text=clip(f"The draft may admit fault ({phrases}). Approve it as written?", 300),
        confirm="Approve",
        deny="Back",
    )


def follow_up_block(action: Action, *, label: str, action_id: str) -> ActionsBlock:
    """A single next-step button (Revise, Mark done) carrying the action id."""
    return ActionsBlock(
        block_id=ids.CARD_FOLLOW_UP,
        elements=[
            ButtonElement(text=label, action_id=action_id, value=str(action.id), style="primary")
        ],
    )

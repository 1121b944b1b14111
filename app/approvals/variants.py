"""One approved message, every audience: the variants of an action's wording.

Each revision of an action keeps its own set of variants (executives, employees, customers,
press, social), stored in the revision's transaction (app/approvals/asking.py): approving a
revision approves the set, and changing any variant is a new revision of the set. After
approval each variant can be posted once where it belongs; the row remembers where it went.
"""

from __future__ import annotations

from collections.abc import Mapping, Set
from datetime import datetime
from enum import StrEnum

from sqlalchemy import Column, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlmodel import Field, SQLModel, select
from sqlmodel.ext.asyncio.session import AsyncSession

from app.approvals.guard import find_fault_phrases
from app.approvals.models import DETAILS_MAX, Action, ActionState
from app.errors import BadCommand, NotAuthorized
from app.roles.models import Role
from app.store.types import EnumFields, StrEnumType, UTCDateTime

VARIANT_MAX = DETAILS_MAX


class Audience(StrEnum):
    EXECUTIVES = "executives"
    EMPLOYEES = "employees"
    CUSTOMERS = "customers"
    PRESS = "press"
    SOCIAL = "social"

    @property
    def label(self) -> str:
        return self.value.capitalize()

    @property
    def copy_ready(self) -> bool:
        """Posted in the war room as a block the team copies, not sent to a channel of its own."""
        return self in (Audience.CUSTOMERS, Audience.PRESS, Audience.SOCIAL)


AUDIENCES = tuple(Audience)
Variants = Mapping[Audience, str]


class ActionVariant(EnumFields, SQLModel, table=True):
    """One audience's wording in one revision of an action, and where it was posted."""

    __tablename__ = "action_variant"
    __table_args__ = (
        UniqueConstraint(
            "action_id", "revision", "audience", name="uq_action_variant_action_revision_audience"
        ),
    )

    id: int | None = Field(default=None, primary_key=True)
    action_id: int = Field(sa_column=Column(Integer, ForeignKey("action.id"), nullable=False))
    revision: int = Field(sa_column=Column(Integer, nullable=False))
    audience: Audience = Field(sa_column=Column(StrEnumType(Audience, 16), nullable=False))
    text: str = Field(sa_column=Column(Text, nullable=False))
    # When a post was first tried (a later attempt looks for it before posting again), and
    # where it landed once Slack answered.
    tried_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime(), nullable=True))
    posted_channel: str | None = Field(default=None, sa_column=Column(String(32), nullable=True))
    posted_ts: str | None = Field(default=None, sa_column=Column(String(32), nullable=True))
    posted_by: str | None = Field(default=None, sa_column=Column(String(32), nullable=True))
    posted_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime(), nullable=True))


def checked_variants(variants: Variants | None) -> dict[Audience, str]:
    """The non-empty variants, stripped and in audience order; too long is refused."""
    given = {
        Audience(audience): (text or "").strip() for audience, text in (variants or {}).items()
    }
    kept: dict[Audience, str] = {}
    for audience in AUDIENCES:
        text = given.get(audience, "")
        if len(text) > VARIANT_MAX:
            raise BadCommand(
                f"The {audience.label} variant is {len(text)} characters; keep it to {VARIANT_MAX}."
            )
        if text:
            kept[audience] = text
    return kept


def keep(session: AsyncSession, action: Action, variants: Variants) -> None:
    """Store the variants of the action's current revision (inside the revision's transaction)."""
    assert action.id is not None
    session.add_all(
        ActionVariant(action_id=action.id, revision=action.revision, audience=audience, text=text)
        for audience, text in checked_variants(variants).items()
    )


async def of_revision(session: AsyncSession, action_id: int, revision: int) -> list[ActionVariant]:
    """The variants of one revision, in audience order."""
    query = (
        select(ActionVariant)
        .where(ActionVariant.action_id == action_id, ActionVariant.revision == revision)
        .execution_options(populate_existing=True)
    )
    rows = list((await session.exec(query)).all())
    return sorted(rows, key=lambda row: AUDIENCES.index(row.audience))


async def texts_of(session: AsyncSession, action_id: int, revision: int) -> dict[Audience, str]:
    return {row.audience: row.text for row in await of_revision(session, action_id, revision)}


def flagged(variants: Variants, phrases: tuple[str, ...]) -> dict[Audience, list[str]]:
    """The fault phrases found in each variant that has any, in audience order."""
    found: dict[Audience, list[str]] = {}
    for audience, text in variants.items():
        matches = find_fault_phrases(text, phrases)
        if matches:
            found[Audience(audience)] = list(dict.fromkeys(match.phrase for match in matches))
    return found


def audit_facts(
    variants: Variants, found: Mapping[Audience, list[str]] | None = None
) -> dict[str, object]:
    """What the audit keeps of a revision's variants (nothing when it has none)."""
    if not variants:
        return {}
    facts: dict[str, object] = {"variants": {a.value: text for a, text in variants.items()}}
    if found:
        facts["variant_fault_phrases"] = {a.value: phrases for a, phrases in found.items()}
    return facts


def check_postable(action: Action, *, by: str, by_roles: Set[Role]) -> None:
    """Variants go out once the set is approved, sent by an incident lead or the action's owner."""
    if by != action.owner and Role.LEAD not in by_roles:
        who = "an incident lead or its owner" if action.owner else "an incident lead"
        raise NotAuthorized(f"Only {who} can post the variants of {action.ref}.")
    if action.state not in (ActionState.APPROVED, ActionState.DONE):
        state = action.state.label.lower()
        raise BadCommand(f"{action.ref} is {state}; its variants can be posted once approved.")


def destination(
    audience: Audience,
    *,
    war_room: str,
    executive_channel: str | None,
    employee_channel: str | None,
) -> str:
    """Where a variant goes: executives and employees to their channels when set, every other
    audience (and those two when their channel is not set) to the war room, copy-ready."""
    if audience == Audience.EXECUTIVES and executive_channel:
        return executive_channel
    if audience == Audience.EMPLOYEES and employee_channel:
        return employee_channel
    return war_room


def effect_id(action: Action, audience: Audience) -> str:
    """The post's stable id: at most one message per revision and audience."""
    return f"variant:{action.ref}:r{action.revision}:{audience.value}"

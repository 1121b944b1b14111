"""Outside people in a SEV1 war room: who counts as outside, and Legal's allowance.

With `SEV1_EXTERNAL_MEMBERS=legal` a SEV1 war room opens with the internal people only; the
people from other organisations (Slack Connect) wait for Legal, who allows or declines them
all at once. The ask and the decision are audited (so in the legal record) in the transaction
that changes the row; the caller owns that transaction and locks the incident first.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import update
from sqlmodel import col
from sqlmodel.ext.asyncio.session import AsyncSession

from app.audit.service import audit
from app.incidents.external_models import AccessState, ExternalAccess
from app.incidents.models import Severity

WAIT = "external.wait"
ALLOW = "external.allow"
DECLINE = "external.decline"
LEGAL_DECIDES = "legal"  # the SEV1_EXTERNAL_MEMBERS value that holds outside people back
UNKNOWN_ORGANISATION = "organisation unknown"


@dataclass(frozen=True)
class Outsider:
    """A person from another organisation, as Slack named them when the room opened."""

    user_id: str
    name: str
    team_id: str
    organisation: str

    def as_row(self) -> dict[str, str]:
        return {
            "user_id": self.user_id,
            "name": self.name,
            "team_id": self.team_id,
            "organisation": self.organisation,
        }

    @classmethod
    def from_row(cls, row: dict[str, Any]) -> Outsider:
        return cls(
            user_id=str(row.get("user_id", "")),
            name=str(row.get("name", "")),
            team_id=str(row.get("team_id", "")),
            organisation=str(row.get("organisation", "")),
        )


def legal_decides(setting: str, severity: Severity) -> bool:
    """Whether outside people wait for Legal: only SEV1, only with the setting at `legal`."""
    return setting == LEGAL_DECIDES and severity == Severity.SEV1


def is_outside(
    team_id: str,
    *,
    home_team: str,
    enterprise_id: str | None = None,
    home_enterprise: str | None = None,
) -> bool:
    """Someone whose home team is not the workspace's, nor in the workspace's Grid org. A
    person whose team could not be learned counts as outside: Legal decides, not chance."""
    if home_enterprise and enterprise_id == home_enterprise:
        return False
    return not team_id or team_id != home_team


def people_of(access: ExternalAccess) -> list[Outsider]:
    return [Outsider.from_row(row) for row in access.people]


async def ask(
    session: AsyncSession,
    *,
    incident_id: int,
    people: Sequence[Outsider],
    by: str,
    at: datetime,
) -> ExternalAccess:
    """Store the ask (audited: who is waiting, from which organisation)."""
    access = ExternalAccess(
        incident_id=incident_id, people=[p.as_row() for p in people], asked_by=by, asked_at=at
    )
    session.add(access)
    await session.flush()
    audit(
        session,
        at=at,
        actor=by,
        action=WAIT,
        incident_id=incident_id,
        access_id=access.id,
        people=access.people,
    )
    return access


async def get(session: AsyncSession, access_id: int) -> ExternalAccess | None:
    return await session.get(ExternalAccess, access_id, populate_existing=True)


async def card_posted(session: AsyncSession, access_id: int, ts: str) -> None:
    """Where Legal's card is, so a decision can take its buttons away."""
    await session.exec(
        update(ExternalAccess)
        .where(col(ExternalAccess.id) == access_id)
        .values(card_ts=ts)
        .execution_options(synchronize_session=False)
    )


@dataclass(frozen=True)
class Decided:
    access: ExternalAccess
    fresh: bool  # False: it was decided before (a double click, a duplicate delivery)


async def decide(
    session: AsyncSession, *, access_id: int, allow: bool, by: str, at: datetime
) -> Decided | None:
    """Legal's decision, once: the state changes only from waiting, and only that change is
    audited. None when there is no such ask."""
    state = AccessState.ALLOWED if allow else AccessState.DECLINED
    changed = await session.exec(
        update(ExternalAccess)
        .where(
            col(ExternalAccess.id) == access_id,
            col(ExternalAccess.state) == AccessState.WAITING,
        )
        .values(state=state, decided_by=by, decided_at=at)
        .execution_options(synchronize_session=False)
    )
    access = await get(session, access_id)
    if access is None:
        return None
    if changed.rowcount != 1:
        return Decided(access, fresh=False)
    action = ALLOW if allow else DECLINE
    audit(
        session,
        at=at,
        actor=by,
        action=action,
        incident_id=access.incident_id,
        access_id=access_id,
        people=access.people,
    )
    return Decided(access, fresh=True)

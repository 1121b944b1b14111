"""The brief shows each metric's latest value: a new point asks for a new version of it.

Call `want_brief` in the transaction that stored the points (after `record_points`): the
brief's outbox row then wants a newer version in the same commit, so even a crash right after
it leaves the periodic outbox pass a brief to redraw. After the commit, `show_brief` has this
process's outbox worker redraw it at once (as `refresh_brief` does for other changes). Many
points in a row cost one redraw each time the worker catches up, not one per point: the
outbox keeps only the newest version wanted.
"""

from __future__ import annotations

from sqlmodel.ext.asyncio.session import AsyncSession

from app.flows import outbox_worker
from app.flows.deps import Deps
from app.outbox import service as outbox
from app.outbox.models import OutboxKind


async def want_brief(session: AsyncSession, incident_id: int) -> None:
    """In the caller's transaction: the incident's brief wants a new version (a no-op for an
    incident without a brief)."""
    await outbox.want_next(session, OutboxKind.BRIEF, subject_id=incident_id)


async def show_brief(deps: Deps, incident_id: int) -> None:
    """After the commit: bring the brief up to the version wanted now."""
    await outbox_worker.kick(deps, OutboxKind.BRIEF, subject_id=incident_id)

"""Home tabs: one outbox copy per person who opened theirs, published by the outbox worker."""

from __future__ import annotations

from app.flows import outbox_worker
from app.flows.deps import Deps
from app.flows.home_view import latest_exports, render_home
from app.outbox import service as outbox
from app.outbox.models import OutboxKind
from app.store.workspace import Workspace

__all__ = ["latest_exports", "publish", "refresh_homes", "render_home"]


async def publish(deps: Deps, user_id: str, team: Workspace | None = None) -> None:
    """`user_id` opened their Home tab in `team`: from now on it is kept up to date (with that
    workspace's installation); published now."""
    async with deps.db.begin() as session:
        await outbox.add(session, OutboxKind.HOME, now=deps.clock.now(), user_id=user_id, team=team)
        await outbox.want_next(session, OutboxKind.HOME, user_ids=[user_id])
    await outbox_worker.kick(deps, OutboxKind.HOME, user_ids=[user_id])


async def refresh_homes(deps: Deps, user_ids: frozenset[str] | None) -> None:
    """A new version of these viewers' tabs (every viewer's for None), published now."""
    async with deps.db.begin() as session:
        await outbox.want_next(session, OutboxKind.HOME, user_ids=user_ids)
    await outbox_worker.kick(deps, OutboxKind.HOME, user_ids=user_ids)

"""Demo scenes for approvals: the four actions of the seed thread (proposed by the playbook
when the war room opened), each card's life."""

from __future__ import annotations

from app.approvals import queries
from app.approvals.models import Action
from app.demo.approvals import click, fill, war_room
from app.harness import Harness, seed
from app.harness.seed import DAVID, LISA, MARIA, ROBERT
from app.roles.models import Role
from app.slack import ids


async def scene_ceo(harness: Harness) -> None:
    """Robert approves everything he can; the ad pause is not his to approve."""
    apology, refund, pause = await _actions(harness, 3)
    await click(harness, ROBERT.id, apology, ids.APPROVE, role=Role.EXEC)
    await click(harness, ROBERT.id, refund, ids.APPROVE, role=Role.EXEC)
    await click(harness, ROBERT.id, pause, ids.APPROVE, role=Role.MARKETING)


async def scene_legal(harness: Harness) -> None:
    """David asks for changes to the apology and approves the refund."""
    apology, refund = await _actions(harness, 2)
    await click(harness, DAVID.id, apology, ids.REQUEST_CHANGES, role=Role.LEGAL)
    await fill(harness, DAVID.id, {ids.REASON_INPUT: seed.LEGAL_CAUTION})
    await click(harness, DAVID.id, refund, ids.APPROVE, role=Role.LEGAL)


async def scene_revise(harness: Harness) -> None:
    """Maria revises the apology; David and Robert approve revision 2."""
    (apology,) = await _actions(harness, 1)
    await click(harness, MARIA.id, apology, ids.REVISE)
    await fill(harness, MARIA.id, {ids.REVISE_DETAILS: seed.APOLOGY_REVISED})
    await click(harness, DAVID.id, apology, ids.APPROVE, role=Role.LEGAL)
    await click(harness, ROBERT.id, apology, ids.APPROVE, role=Role.EXEC)


async def scene_marketing(harness: Harness) -> None:
    """Lisa approves the ad pause and the influencer partnership; David clears the latter."""
    _, _, pause, influencers = await _actions(harness, 4)
    await click(harness, LISA.id, pause, ids.APPROVE, role=Role.MARKETING)
    await click(harness, LISA.id, influencers, ids.APPROVE, role=Role.MARKETING)
    await click(harness, DAVID.id, influencers, ids.APPROVE, role=Role.LEGAL)


async def scene_done(harness: Harness) -> None:
    """Robert, who owns the apology (the playbook gives it to the executive), marks it done."""
    (apology,) = await _actions(harness, 1)
    await click(harness, ROBERT.id, apology, ids.MARK_DONE)
    await fill(harness, ROBERT.id, {ids.DONE_NOTE: seed.POSTS_LIVE})


async def _actions(harness: Harness, count: int) -> list[Action]:
    incident = await war_room(harness)
    async with harness.db() as session:
        return (await queries.list_actions(session, incident.id or 0))[:count]

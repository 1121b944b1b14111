"""One unit of work per click, counted with SQLAlchemy's engine events on SQLite and PostgreSQL.

A click on Approve asks Slack which war rooms the person is in, then decides in one write
transaction, which checks the action is in one of them, reads the role holders (after the
action's lock) and everything the card, the outcome and the brief show. The one read, after
Slack was told, is the check that no newer version of the card was rendered meanwhile
(app/flows/cards.py).
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from sqlmodel import select

from app.approvals.models import Action
from app.harness import Harness
from app.harness.seed import DAVID, ROBERT
from app.incidents.models import Incident
from app.roles.models import Role
from app.slack import ids
from tests.conftest import BACKENDS
from tests.databases import harness_on
from tests.scenarios.approvals_helpers import (
    copies,
    copy_for,
    seed_apology,
    shown,
    state,
)
from tests.scenarios.transactions import Transactions, counting

HOLDERS = "FROM role_assignment"
ACTION_LOCK = "UPDATE action SET card_version"
RECORD_HEAD_LOCK = "UPDATE record_head SET seq=record_head.seq"


@pytest.fixture(params=BACKENDS)
async def bot(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[Harness]:
    async with harness_on(request.param, tmp_path) as running:
        yield running


async def apology(harness: Harness) -> Action:
    return (await seed_apology(harness, details="We are sorry for how we treated a customer."))[1]


async def approve(harness: Harness, user: str, action: Action, role: Role) -> Transactions:
    """Click Approve on the war-room card and count what the click did, until the bot is idle."""
    copy = await copy_for(harness, action.id or 0)
    block = f"{ids.CARD_DECIDE}{role.value}"
    with counting(harness.room.deps.db) as seen:
        response = await harness.driver.click(
            user, ids.APPROVE, block_id=block, channel_id=copy.channel_id, message_ts=copy.ts
        )
        assert response.status == 200, response.text
        await harness.settle()
    return seen


def assert_authorised_inside(seen: Transactions) -> None:
    """The role holders are read once, in the deciding transaction, after the action's lock
    and before the record's head lock (which stays last)."""
    [deciding] = seen.writes[:1]
    assert seen.running(HOLDERS) == [deciding], seen.summary()
    lock, holders = deciding.index(ACTION_LOCK), deciding.index(HOLDERS)
    assert 0 == lock < holders < deciding.index(RECORD_HEAD_LOCK), seen.summary()


async def test_a_first_approval_is_one_write_transaction_and_one_read(bot: Harness) -> None:
    action = await apology(bot)
    seen = await approve(bot, ROBERT.id, action, Role.EXEC)
    assert await state(bot, action.id or 0) == "pending"
    assert len(seen.replay_guards) == 1, seen.summary()
    assert len(seen.writes) == 1, seen.summary()
    assert len(seen.reads) <= 1, seen.summary()  # only: no newer card meanwhile
    assert_authorised_inside(seen)
    for copy in await copies(bot, action.id or 0):
        assert "Robert Chen" in shown(bot, copy)


async def test_the_deciding_approval_settles_in_one_write_transaction(bot: Harness) -> None:
    action = await apology(bot)
    await approve(bot, ROBERT.id, action, Role.EXEC)
    seen = await approve(bot, DAVID.id, action, Role.LEGAL)
    assert await state(bot, action.id or 0) == "approved"
    assert len(seen.writes) <= 2 and len(seen.reads) <= 1, seen.summary()
    assert_authorised_inside(seen)
    [deciding] = seen.writes[:1]
    assert deciding.index("count(") > deciding.index(RECORD_HEAD_LOCK), seen.summary()  # brief
    room = await copy_for(bot, action.id or 0)
    thread = [m.text for m in bot.double.messages(room.channel_id) if m.thread_ts == room.ts]
    assert any("approved" in text.lower() for text in thread), thread
    async with bot.db() as session:
        incident = (await session.exec(select(Incident))).one()
    brief = bot.double.message(incident.channel_id, incident.brief_ts or "")
    assert brief is not None and "1 approved" in bot.double.render(brief.blocks or [])

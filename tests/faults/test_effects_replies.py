"""The reply the bot posts under a card (the outcome of a decision) is posted once even when
Slack's answer is lost: the thread is looked up before a resend (SQLite and PostgreSQL)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from app.harness import Harness
from app.harness.seed import DAVID, ROBERT
from app.roles.models import Role
from app.slack import ids
from tests.conftest import BACKENDS
from tests.databases import harness_on
from tests.scenarios.approvals_helpers import click, copies, seed_apology


@pytest.fixture(params=BACKENDS)
async def bot(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[Harness]:
    async with harness_on(request.param, tmp_path) as running:
        yield running


@pytest.mark.parametrize("fault", ["drop", "late"])
async def test_the_outcome_under_a_card_is_posted_once_when_its_answer_is_lost(
    bot: Harness, fault: str
) -> None:
    _, action = await seed_apology(bot, details="We are sorry.")
    action_id = action.id or 0
    await click(bot, ROBERT.id, action_id, ids.APPROVE, role=Role.EXEC)
    bot.double.fault("chat.postMessage", fault, times=1)  # the outcome reply: stored, unanswered
    await click(bot, DAVID.id, action_id, ids.APPROVE, role=Role.LEGAL)
    [room_copy] = [c for c in await copies(bot, action_id) if c.kind.value == "channel"]
    thread = [m for m in bot.double.messages(room_copy.channel_id) if m.thread_ts == room_copy.ts]
    outcomes = [m for m in thread if "approved" in m.text.lower() and m.ts != room_copy.ts]
    assert len(outcomes) == 1, [m.text for m in thread]
    if fault == "drop":  # no answer at all: it looked in the thread instead of posting again
        assert bot.double.calls_to("conversations.replies")

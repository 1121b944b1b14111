from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from app.clock import FakeClock
from app.harness import Harness, start_harness
from app.harness.seed import ALEX, DAVID, LISA, MARIA, ROBERT, SARAH


@pytest.fixture
async def harness(tmp_path: Path, clock: FakeClock) -> AsyncIterator[Harness]:
    running = await start_harness(database_url=f"sqlite:///{tmp_path / 'crisis.db'}", clock=clock)
    try:
        yield running
    finally:
        await running.stop()


async def crisis(harness: Harness, user: str, text: str, *, channel: str | None = None) -> None:
    """Type `/crisis <text>` as `user` and wait for the bot to finish."""
    response = await harness.driver.command(user, text, channel_id=channel or harness.general)
    assert response.status == 200, response.text
    await harness.settle()


async def seed_roles(harness: Harness) -> None:
    """Alex, a workspace admin, gives the seed's people their standing roles."""
    for person in (MARIA, ROBERT, LISA, DAVID, SARAH):
        assert person.role is not None
        await crisis(
            harness, ALEX.id, f"role add {person.role.value} <@{person.id}|{person.handle}>"
        )


def last_private(harness: Harness, user: str) -> str:
    """The text of the latest message only `user` saw (ephemeral or response_url)."""
    seen = harness.double.ephemerals(user)
    assert seen, f"{user} was told nothing"
    return seen[-1].text

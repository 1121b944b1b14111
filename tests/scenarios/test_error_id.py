"""An unexpected error (a bug, not a refusal) gives the person a line with an id, and the log
has the traceback under the same id. The error is real: the bot's injected clock breaks."""

from __future__ import annotations

import logging
import re
from collections.abc import AsyncIterator
from datetime import datetime
from pathlib import Path

import pytest

from app.clock import FakeClock
from app.harness import Harness, start_harness
from app.harness.seed import JORDAN, MARIA
from tests.scenarios.conftest import crisis, last_private

ERROR_ID = re.compile(r"error id `([0-9a-f]{8})`")


class BrokenClock(FakeClock):
    """A clock that raises a plain RuntimeError once broken: an unexpected failure deep in a
    flow, reached through create_app's public `clock` parameter."""

    broken = False

    def now(self) -> datetime:
        if self.broken:
            raise RuntimeError("the clock stopped")
        return super().now()


@pytest.fixture
async def broken(tmp_path: Path) -> AsyncIterator[tuple[Harness, BrokenClock]]:
    clock = BrokenClock()
    running = await start_harness(database_url=f"sqlite:///{tmp_path / 'crisis.db'}", clock=clock)
    try:
        yield running, clock
    finally:
        clock.broken = False
        await running.stop()


async def test_a_runtime_error_in_a_flow_gives_an_id_the_log_shares(
    broken: tuple[Harness, BrokenClock], caplog: pytest.LogCaptureFixture
) -> None:
    harness, clock = broken
    clock.broken = True
    with caplog.at_level(logging.ERROR, logger="app.errors"):
        await crisis(harness, JORDAN.id, "list")
    line = last_private(harness, JORDAN.id)
    found = ERROR_ID.search(line)
    assert found, line
    assert "Something went wrong on our side" in line and "the clock stopped" not in line
    error_id = found.group(1)
    [record] = [r for r in caplog.records if r.name == "app.errors"]
    assert error_id in record.getMessage() and "/crisis 'list'" in record.getMessage()
    assert record.exc_info is not None and record.exc_info[0] is RuntimeError
    logged = caplog.text
    assert "Traceback (most recent call last)" in logged and "the clock stopped" in logged
    assert logged.index(error_id) < logged.index("RuntimeError: the clock stopped")


async def test_each_error_gets_its_own_id_and_the_bot_carries_on(
    broken: tuple[Harness, BrokenClock], caplog: pytest.LogCaptureFixture
) -> None:
    harness, clock = broken
    clock.broken = True
    with caplog.at_level(logging.ERROR, logger="app.errors"):
        await crisis(harness, JORDAN.id, "list")
        await crisis(harness, MARIA.id, "list")
    ids = [ERROR_ID.search(last_private(harness, who)) for who in (JORDAN.id, MARIA.id)]
    assert all(ids) and ids[0].group(1) != ids[1].group(1)  # type: ignore[union-attr]
    clock.broken = False
    await crisis(harness, JORDAN.id, "help")
    assert "/crisis open" in last_private(harness, JORDAN.id)

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from app.clock import FakeClock
from app.harness import Harness, start_harness


@pytest.fixture
async def harness(tmp_path: Path, clock: FakeClock) -> AsyncIterator[Harness]:
    running = await start_harness(database_url=f"sqlite:///{tmp_path / 'crisis.db'}", clock=clock)
    try:
        yield running
    finally:
        await running.stop()

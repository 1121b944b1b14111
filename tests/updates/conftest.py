from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from app.clock import FakeClock
from app.harness import Harness
from tests.updates.steps import quiet_harness


@pytest.fixture
async def harness(tmp_path: Path, clock: FakeClock) -> AsyncIterator[Harness]:
    async with quiet_harness(tmp_path, clock) as running:
        yield running

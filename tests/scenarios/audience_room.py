"""A bot with somewhere for each audience: a stakeholder (executives) channel and an employee
channel it is a member of (shared by the variant scenarios of actions and of updates)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from app.clock import FakeClock
from app.harness import Harness, start_harness
from app.harness.seed import MARIA, ROBERT

EXECS, STAFF = "CEXECS01", "CSTAFF01"


@asynccontextmanager
async def audience_room(tmp_path: Path, clock: FakeClock) -> AsyncIterator[Harness]:
    running = await start_harness(
        database_url=f"sqlite:///{tmp_path / 'crisis.db'}",
        clock=clock,
        CRISIS_STAKEHOLDER_CHANNEL=EXECS,
        CRISIS_EMPLOYEE_CHANNEL=STAFF,
    )
    bot = running.double.bot_user_id
    running.double.add_channel("exec-updates", members=[ROBERT.id, bot], id=EXECS)
    running.double.add_channel("all-staff", members=[MARIA.id, bot], id=STAFF)
    try:
        yield running
    finally:
        await running.stop()

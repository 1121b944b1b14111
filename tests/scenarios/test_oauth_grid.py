"""An Enterprise Grid org installs the bot org-wide by OAuth (issue 16): one consent by an org
admin, one stored installation for the org (`is_enterprise_install`), and each workspace's
incidents still belong to the workspace they were opened in."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlmodel import select

from app.clock import FakeClock
from app.harness import Harness, start_harness
from app.harness.oauth import install_by_oauth
from app.record.models import RecordEntry
from tests.scenarios.conftest import crisis, last_private
from tests.scenarios.test_grid_org import (
    ORG,
    PAT,
    SISTER,
    listed,
    open_in_each_workspace,
    org_wide,
)
from tests.scenarios.test_oauth_install import bots

OLIVE = "U0OLIVEORG"  # the org admin (tests/scenarios/test_grid_org.py)


@pytest.fixture
async def grid(tmp_path: Path, clock: FakeClock) -> AsyncIterator[Harness]:
    url = f"sqlite:///{tmp_path / 'grid-oauth.db'}"
    running = await start_harness(database_url=url, clock=clock, oauth=True)
    try:
        org_wide(running.double)
        yield running
    finally:
        await running.stop()


async def test_one_org_wide_install_serves_every_workspace_of_the_org(grid: Harness) -> None:
    done = await install_by_oauth(grid.double, grid.http_url, ORG, OLIVE)
    assert done.status == 200
    assert await bots(grid) == ["None"]  # one org-wide bot: no workspace of its own
    async with grid.db() as session:
        rows = await session.exec(  # type: ignore[call-overload]
            text("SELECT enterprise_id, is_enterprise_install FROM slack_bots")
        )
        assert [tuple(row) for row in rows.all()] == [(ORG, True)]

    _, sister = await open_in_each_workspace(grid)
    assert grid.double.channel(sister.channel_id).creator == grid.double.bot_user_id_in(SISTER)
    assert "Recall at home" not in await listed(grid, PAT)
    olive = await listed(grid, OLIVE)
    assert "Recall at home" in olive and "Recall at the sister" in olive


async def test_an_org_wide_uninstall_stops_the_org_and_is_recorded_in_its_rooms(
    grid: Harness,
) -> None:
    assert (await install_by_oauth(grid.double, grid.http_url, ORG, OLIVE)).status == 200
    home, sister = await open_in_each_workspace(grid)
    grid.driver.forward_events()
    grid.double.uninstall(ORG)
    await grid.settle_all()
    assert await bots(grid) == []
    async with grid.db() as session:
        entries = (await session.exec(select(RecordEntry))).all()
    told = sorted(
        e.incident_id or 0
        for e in entries
        if e.kind == "action" and json.loads(e.content)["action"].startswith("workspace.")
    )
    assert told == sorted([home.id or 0, sister.id or 0])  # once in each of the org's rooms
    await crisis(grid, PAT, "list")
    assert "not installed in this workspace" in last_private(grid, PAT)

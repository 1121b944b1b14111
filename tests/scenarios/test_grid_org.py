"""An Enterprise Grid org with the app installed org-wide (one bot token for every workspace of
the org), through signed requests into the real app (issue 16).

The org "Acme Group" holds the seed's workspace (T0CRISIS) and a sister workspace (T0SISTER).
An incident belongs to the workspace it was opened in: its channel is made there, and a
workspace admin sees their own workspace's incidents only; an Org Admin sees the whole org.
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from sqlmodel import select

from app.clock import FakeClock
from app.harness import Harness, start_harness
from app.harness.seed import ALEX, MARIA
from app.incidents.models import Incident
from app.incidents.visibility import NONE_VISIBLE, NOT_VISIBLE
from app.slack import ids
from app.slackdouble import SlackDouble
from tests.scenarios.approvals_helpers import propose, state
from tests.scenarios.conftest import crisis, last_private, seed_roles
from tests.scenarios.test_confidentiality import forged_click
from tests.scenarios.test_home import open_home

ORG, SISTER = "E0ACMEGRP", "T0SISTER"
SAM, PAT, OLIVE = "U0SAMSIS", "U0PATSIS", "U0OLIVEORG"  # sister admin, sister member, org admin


def org_wide(double: SlackDouble) -> str:
    double.add_workspace(SISTER, "Acme Sister", enterprise_id=ORG, enterprise_name="Acme Group")
    double.add_user(SAM, "sam", "Sam Sister", is_admin=True, team_id=SISTER)
    double.add_user(PAT, "pat", "Pat Sister", team_id=SISTER)
    olive = double.add_user(OLIVE, "olive", "Olive Org", team_id=SISTER)
    olive.org_admin = True
    return double.add_org(ORG, "Acme Group", [double.team_id, SISTER])


@pytest.fixture
async def grid(tmp_path: Path, clock: FakeClock) -> AsyncIterator[Harness]:
    url = f"sqlite:///{tmp_path / 'grid.db'}"
    running = await start_harness(database_url=url, clock=clock, install=org_wide)
    try:
        yield running
    finally:
        await running.stop()


async def incidents_by_title(harness: Harness) -> dict[str, Incident]:
    async with harness.db() as session:
        return {i.title: i for i in (await session.exec(select(Incident))).all()}


async def listed(harness: Harness, user: str) -> str:
    """What `/crisis list` shows `user`: its line and its blocks, as one text."""
    await crisis(harness, user, "list")
    seen = harness.double.ephemerals(user)[-1]
    return f"{seen.text} {json.dumps(seen.blocks)}"


async def open_in_each_workspace(grid: Harness) -> tuple[Incident, Incident]:
    """Maria opens one at home, Pat one at the sister: each made in its own workspace."""
    await crisis(grid, MARIA.id, "open Recall at home")
    await crisis(grid, PAT, "open Recall at the sister")
    found = await incidents_by_title(grid)
    home, sister = found["Recall at home"], found["Recall at the sister"]
    assert (home.team_id, sister.team_id) == (grid.double.team_id, SISTER)
    assert home.enterprise_id == sister.enterprise_id == ORG
    assert grid.double.channel(sister.channel_id).teams[0] == SISTER  # made in its workspace
    return home, sister


async def test_each_workspace_opens_its_own_and_sees_its_own(grid: Harness) -> None:
    assert grid.room.deps.slack.org_install
    await open_in_each_workspace(grid)

    alex, sam, olive = [await listed(grid, who) for who in (ALEX.id, SAM, OLIVE)]
    assert "Recall at home" in alex and "Recall at the sister" not in alex
    assert "Recall at the sister" in sam and "Recall at home" not in sam
    assert "Recall at home" in olive and "Recall at the sister" in olive


async def test_a_member_of_one_workspace_learns_nothing_of_the_others(grid: Harness) -> None:
    await crisis(grid, MARIA.id, "open Recall at home")
    await crisis(grid, PAT, "list")
    assert last_private(grid, PAT) == NONE_VISIBLE


async def test_a_sister_admin_forging_a_click_learns_nothing(grid: Harness) -> None:
    """Sam administers the sister workspace only: a click on the first workspace's action
    (a button he was never shown) is answered as if the action did not exist."""
    await seed_roles(grid)
    await crisis(grid, MARIA.id, "open Recall at home")
    incident = (await incidents_by_title(grid))["Recall at home"]
    action = await propose(
        grid, MARIA.id, incident, title="CEO apology", details="Sorry.", category="public_statement"
    )
    block = f"{ids.CARD_DECIDE}legal"
    value = f"{action.id}:1:legal"
    await forged_click(grid, SAM, ids.APPROVE, value=value, block_id=block)
    assert last_private(grid, SAM).endswith(NOT_VISIBLE)
    assert (await state(grid, action.id or 0)) == "pending"


async def test_home_and_record_stay_in_their_workspace(grid: Harness) -> None:
    await seed_roles(grid)
    await crisis(grid, MARIA.id, "open Recall at home")
    incident = (await incidents_by_title(grid))["Recall at home"]
    assert "Recall at home" not in await open_home(grid, SAM)
    assert "Recall at home" in await open_home(grid, OLIVE)
    await crisis(grid, SAM, "export md", channel=incident.channel_id)  # a forged command
    refusal = last_private(grid, SAM)
    assert incident.ref not in refusal and "Recall" not in refusal
    assert not [f for m in grid.double.messages(incident.channel_id) for f in m.files]

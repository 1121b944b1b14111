"""Standing roles belong to one workspace (issue 16), through signed requests from two
workspaces of one Grid org: each lists, changes and is asked by its own holders only."""

from __future__ import annotations

from sqlmodel import select

from app.approvals.models import Action
from app.harness import Harness
from app.harness.seed import ALEX, DAVID, MARIA, ROBERT
from app.incidents.models import Incident
from tests.record.helpers import content, rows
from tests.scenarios.approvals_helpers import copies, propose
from tests.scenarios.conftest import crisis, last_private
from tests.scenarios.sister_workspace import (
    NINA,
    OWEN,
    PRIYA,
    SAM,
    SISTER,
    both_staffed,
)


async def test_crisis_roles_lists_the_workspaces_own_holders(harness: Harness) -> None:
    await both_staffed(harness)

    await crisis(harness, NINA.id, "roles")
    theirs = str(harness.double.ephemerals(NINA.id)[-1].blocks)
    assert PRIYA.id in theirs and NINA.id in theirs
    assert DAVID.id not in theirs and MARIA.id not in theirs

    await crisis(harness, MARIA.id, "roles")
    ours = str(harness.double.ephemerals(MARIA.id)[-1].blocks)
    assert DAVID.id in ours and MARIA.id in ours
    assert PRIYA.id not in ours and NINA.id not in ours


async def test_a_role_change_touches_its_own_workspace_only(harness: Harness) -> None:
    await both_staffed(harness)

    await crisis(harness, SAM.id, f"role remove legal <@{DAVID.id}|david>")
    assert "Nobody was removed" in last_private(harness, SAM.id)
    await crisis(harness, SAM.id, f"role add legal <@{PRIYA.id}|priya>")
    assert "already held it" in last_private(harness, SAM.id)
    await crisis(harness, ALEX.id, f"role add legal <@{PRIYA.id}|priya>")
    assert "Added <@U0PRIYA> to *legal*" in last_private(harness, ALEX.id)
    await crisis(harness, DAVID.id, "roles")
    assert PRIYA.id in str(harness.double.ephemerals(DAVID.id)[-1].blocks)
    await crisis(harness, ALEX.id, f"role remove legal <@{DAVID.id}|david>")
    await crisis(harness, NINA.id, "roles")
    sister = str(harness.double.ephemerals(NINA.id)[-1].blocks)
    assert PRIYA.id in sister and DAVID.id not in sister


async def test_a_role_change_is_recorded_in_its_workspaces_war_rooms_only(
    harness: Harness,
) -> None:
    await both_staffed(harness)
    await crisis(harness, MARIA.id, "open Ours")
    await crisis(harness, NINA.id, "open Theirs")
    async with harness.db() as session:
        rooms = {i.team_id: i.id or 0 for i in (await session.exec(select(Incident))).all()}
    assert set(rooms) == {harness.double.team_id, SISTER}

    await crisis(harness, SAM.id, f"role add exec <@{NINA.id}|nina>")
    changed = {
        incident_id
        for incident_id in rooms.values()
        for row in await rows(harness.db, incident_id)
        if content(row).get("action") == "role.add" and content(row)["detail"]["users"] == [NINA.id]
    }
    assert changed == {rooms[SISTER]}


async def test_each_workspaces_holders_are_asked_to_approve_its_actions(
    harness: Harness,
) -> None:
    await both_staffed(harness)
    await crisis(harness, NINA.id, "open Theirs")
    async with harness.db() as session:
        incident = (await session.exec(select(Incident))).one()
    assert incident.team_id == SISTER

    action = await sister_statement(harness, incident)
    asked = {copy.channel_id for copy in await copies(harness, action.id or 0)}
    assert {dm_of(harness, PRIYA.id), dm_of(harness, OWEN.id)} <= asked  # the sister's
    assert not {dm_of(harness, DAVID.id), dm_of(harness, ROBERT.id)} & asked  # the first's
    members = harness.double.channel(incident.channel_id).members
    assert PRIYA.id in members and DAVID.id not in members


def dm_of(harness: Harness, user_id: str) -> str | None:
    dm = harness.double.dm_channel(user_id)
    return dm.id if dm is not None else None


async def test_losing_a_role_in_one_workspace_keeps_the_cards_of_the_other(
    harness: Harness,
) -> None:
    """David is Legal in both workspaces; removed from Legal in the first, he keeps the
    sister's card (he still decides for it there)."""
    await both_staffed(harness)
    await crisis(harness, SAM.id, f"role add legal <@{DAVID.id}|david>")
    await crisis(harness, NINA.id, "open Theirs")
    async with harness.db() as session:
        incident = (await session.exec(select(Incident))).one()
    action = await sister_statement(harness, incident)
    david = dm_of(harness, DAVID.id)
    assert david in {copy.channel_id for copy in await copies(harness, action.id or 0)}

    await crisis(harness, ALEX.id, f"role remove legal <@{DAVID.id}|david>")
    assert david in {copy.channel_id for copy in await copies(harness, action.id or 0)}


async def sister_statement(harness: Harness, incident: Incident) -> Action:
    """Nina, the sister's lead, proposes a holding statement in its war room."""
    return await propose(
        harness,
        NINA.id,
        incident,
        title="Holding statement",
        details="We are looking into it.",
        category="public_statement",
    )

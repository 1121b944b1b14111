"""Every row a workspace owns carries its team (issue 16), through signed requests into the real
app: the team of the request that made it, and for rows the scheduler makes, its incident's.

The double's auth.test names T0CRISIS (the installed workspace); a request may come from another
workspace of the same Enterprise Grid org (an org-wide install), T0SISTER here.
"""

from __future__ import annotations

from typing import Any

from sqlmodel import select

from app.approvals.models import Action
from app.approvals.reminders import ApprovalReminder
from app.harness import Harness
from app.incidents.models import Incident
from app.library.models import LibraryEntry
from app.playbooks.models import ChecklistItem
from app.roles.models import RoleAssignment
from app.updates.models import Reminder
from tests.library.helpers import add_statement
from tests.scenarios.conftest import crisis, seed_roles
from tests.scenarios.sister_workspace import (
    GRID,
    NINA,
    OWEN,
    SAM,
    SISTER,
    add_sister,
    seed_sister_roles,
)
from tests.updates.steps import HOUR, later

THERE = (SISTER, GRID)  # the sister workspace, in the Grid org


async def teams_of(harness: Harness, model: Any) -> set[tuple[str | None, str | None]]:
    async with harness.db() as session:
        return {(row.team_id, row.enterprise_id) for row in (await session.exec(select(model)))}


async def test_an_incident_opened_by_command_carries_the_team_of_the_request(
    harness: Harness,
) -> None:
    await seed_roles(harness)  # as typed in the installed workspace
    await add_sister(harness)
    await seed_sister_roles(harness)
    await crisis(harness, NINA.id, "open --kind service_failure_viral TikTok video of a hold")

    async with harness.db() as session:
        [incident] = (await session.exec(select(Incident))).all()
    assert (incident.team_id, incident.enterprise_id) == THERE
    assert await teams_of(harness, Action) == {THERE}  # the playbook's, from the incident
    assert await teams_of(harness, ChecklistItem) == {THERE}
    assert THERE in await teams_of(harness, RoleAssignment)

    await later(harness, 2 * HOUR)  # the update is overdue, the approvals have stalled
    assert await teams_of(harness, Reminder) == {THERE}
    assert await teams_of(harness, ApprovalReminder) == {THERE}


async def test_the_open_form_and_the_library_form_carry_the_team_of_the_request(
    harness: Harness,
) -> None:
    await seed_roles(harness)
    await add_sister(harness)
    await seed_sister_roles(harness)  # the sister names its own (its library's managers)
    await crisis(harness, NINA.id, "open")
    await harness.driver.submit_view(NINA.id, {"open_title": "Backfired post"})
    await harness.settle()
    assert await teams_of(harness, Incident) == {THERE}

    await add_statement(harness, NINA.id)
    assert await teams_of(harness, LibraryEntry) == {THERE}
    await crisis(harness, SAM.id, f"role add legal <@{OWEN.id}|owen> --backup")
    async with harness.db() as session:
        backup = (await session.exec(select(RoleAssignment).where(RoleAssignment.backup))).one()
    assert (backup.team_id, backup.enterprise_id) == THERE

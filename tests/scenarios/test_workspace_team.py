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
from app.harness.seed import ALEX, JORDAN, MARIA
from app.incidents.models import Incident
from app.library.models import LibraryEntry
from app.playbooks.models import ChecklistItem
from app.roles.models import RoleAssignment
from app.updates.models import Reminder
from tests.library.helpers import add_statement
from tests.scenarios.conftest import crisis, seed_roles
from tests.updates.steps import HOUR, later

SISTER = "T0SISTER"


async def teams_of(harness: Harness, model: Any) -> set[tuple[str | None, str | None]]:
    async with harness.db() as session:
        return {(row.team_id, row.enterprise_id) for row in (await session.exec(select(model)))}


async def test_an_incident_opened_by_command_carries_the_team_of_the_request(
    harness: Harness,
) -> None:
    await seed_roles(harness)  # as typed in the installed workspace
    harness.driver.team_id = SISTER
    await crisis(harness, MARIA.id, "open --kind service_failure_viral TikTok video of a hold")

    async with harness.db() as session:
        [incident] = (await session.exec(select(Incident))).all()
    assert (incident.team_id, incident.enterprise_id) == (SISTER, None)
    assert await teams_of(harness, Action) == {(SISTER, None)}  # the playbook's, from the incident
    assert await teams_of(harness, ChecklistItem) == {(SISTER, None)}
    assert await teams_of(harness, RoleAssignment) == {("T0CRISIS", None)}

    await later(harness, 2 * HOUR)  # the update is overdue, the approvals have stalled
    assert await teams_of(harness, Reminder) == {(SISTER, None)}
    assert await teams_of(harness, ApprovalReminder) == {(SISTER, None)}


async def test_the_open_form_and_the_library_form_carry_the_team_of_the_request(
    harness: Harness,
) -> None:
    await seed_roles(harness)
    harness.driver.team_id = SISTER
    await crisis(harness, MARIA.id, "open")
    await harness.driver.submit_view(MARIA.id, {"open_title": "Backfired post"})
    await harness.settle()
    assert await teams_of(harness, Incident) == {(SISTER, None)}

    await add_statement(harness, MARIA.id)
    assert await teams_of(harness, LibraryEntry) == {(SISTER, None)}
    await crisis(harness, ALEX.id, f"role add legal <@{JORDAN.id}|jordan> --backup")
    async with harness.db() as session:
        backup = (await session.exec(select(RoleAssignment).where(RoleAssignment.backup))).one()
    assert backup.team_id == SISTER

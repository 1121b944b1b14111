"""A second workspace of the same Enterprise Grid org, with its own people (issue 16): the app is
installed org-wide, so requests from T0SISTER reach the bot, whose token is T0CRISIS's."""

from __future__ import annotations

from dataclasses import dataclass

from app.harness import Harness
from app.roles.models import Role
from tests.scenarios.conftest import crisis, seed_roles

SISTER = "T0SISTER"
GRID = "E0GRID"


@dataclass(frozen=True)
class WorkspacePerson:
    id: str
    handle: str
    name: str
    role: Role | None = None
    is_admin: bool = False


SAM = WorkspacePerson("U0SAM", "sam", "Sam Okafor", is_admin=True)  # the sister's admin
NINA = WorkspacePerson("U0NINA", "nina", "Nina Alvarez", Role.LEAD)
OWEN = WorkspacePerson("U0OWEN", "owen", "Owen Price", Role.EXEC)
PRIYA = WorkspacePerson("U0PRIYA", "priya", "Priya Nair", Role.LEGAL)
STAFF = (SAM, NINA, OWEN, PRIYA)


async def add_sister(harness: Harness) -> None:
    """T0SISTER and its people, both workspaces in one Grid org with the app installed
    org-wide. Sam changes roles as one of CRISIS_ADMINS (the bot's token is the first
    workspace's, so users.info alone would not make him an admin here)."""
    double = harness.double
    double.add_workspace(SISTER, "Sister Brand")
    double.add_org(GRID, "Crisis Group", [double.team_id, SISTER])
    for person in STAFF:
        double.add_user(
            person.id, person.handle, person.name, is_admin=person.is_admin, team_id=SISTER
        )
    harness.settings.crisis_admins.append(SAM.id)


async def seed_sister_roles(harness: Harness) -> None:
    """Sam, the sister's admin, gives its people their standing roles there."""
    for person in STAFF:
        if person.role is not None:
            text = f"role add {person.role.value} <@{person.id}|{person.handle}>"
            await crisis(harness, SAM.id, text)


async def both_staffed(harness: Harness) -> None:
    """The sister workspace added, and each workspace's standing roles named by its admin."""
    await add_sister(harness)
    await seed_roles(harness)
    await seed_sister_roles(harness)

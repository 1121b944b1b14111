"""Crisis Room installed by OAuth in two workspaces (issue 16): the seed's workspace
(T0CRISIS, installed by its admin Alex) and an agency's (T0AGENCY, installed by Omar), each
with its own people and its own bot token."""

from __future__ import annotations

from app.harness import Harness
from app.harness.oauth import install_by_oauth
from app.harness.seed import ALEX
from app.roles.models import Role
from tests.scenarios.conftest import crisis, seed_roles
from tests.scenarios.sister_workspace import WorkspacePerson

AGENCY = "T0AGENCY"


OMAR = WorkspacePerson("U0OMARAG", "omar", "Omar Haddad", is_admin=True)
IVY = WorkspacePerson("U0IVYAG", "ivy", "Ivy Chen", Role.LEAD)
KOFI = WorkspacePerson("U0KOFIAG", "kofi", "Kofi Mensah", Role.EXEC)
STAFF = (OMAR, IVY, KOFI)


def add_agency(harness: Harness) -> None:
    """The agency's workspace and people; the app is not installed there yet."""
    double = harness.double
    double.add_workspace(AGENCY, "Northwind Agency")
    for person in STAFF:
        double.add_user(
            person.id, person.handle, person.name, is_admin=person.is_admin, team_id=AGENCY
        )


async def install(harness: Harness, team: str, user: str) -> int:
    """`user` installs the bot in `team` through /slack/install: the redirect's status."""
    done = await install_by_oauth(harness.double, harness.http_url, team, user)
    return done.status


async def both_installed(harness: Harness) -> None:
    """Both workspaces installed and staffed by their own admins."""
    add_agency(harness)
    assert await install(harness, harness.double.team_id, ALEX.id) == 200
    assert await install(harness, AGENCY, OMAR.id) == 200
    await seed_roles(harness)
    for person in STAFF:
        if person.role is not None:
            text = f"role add {person.role.value} <@{person.id}|{person.handle}>"
            await crisis(harness, OMAR.id, text)

"""Who may see an incident: the members of its war room, and admins. Nobody else.

An admin oversees one workspace (a workspace admin or owner sees that workspace's incidents)
or, on Enterprise Grid, every workspace of the org (an org admin or owner). An admin of a
Slack Connect partner's workspace oversees nothing here. Incidents from before workspaces were
recorded (no team yet; the first start adopts them into the installed workspace) are any
admin's.

A war room is a private channel, so Slack already keeps its messages from everyone else; this
rule keeps the bot from telling them what it knows: that the incident exists, its title, its
actions, its record. Every list, Home tab, link and error line that names an incident asks it.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from app.incidents.models import Incident

NOT_VISIBLE = "There is no such incident or action, or you are not in its war room."
NONE_VISIBLE = "You are not in any war room, so there are no incidents to show you."


@dataclass(frozen=True)
class AdminScope:
    """What an admin oversees: one workspace, or with `org` the whole Grid org."""

    team_id: str | None  # None: unknown (an admin named in CRISIS_ADMINS before auth.test)
    enterprise_id: str | None = None
    org: bool = False

    def covers(self, incident: Incident) -> bool:
        if incident.team_id is None or self.team_id is None:
            return True
        if self.org and self.enterprise_id:
            return incident.enterprise_id == self.enterprise_id
        return incident.team_id == self.team_id


@dataclass(frozen=True)
class Viewer:
    """One person as the visibility rule sees them."""

    user_id: str
    admin: AdminScope | None  # None: not an admin anywhere here
    rooms: frozenset[str]  # the private channels this person is a member of

    @property
    def is_admin(self) -> bool:
        return self.admin is not None

    def may_see(self, incident: Incident) -> bool:
        if incident.channel_id in self.rooms:
            return True
        return self.admin is not None and self.admin.covers(incident)

    def visible(self, found: Iterable[Incident]) -> list[Incident]:
        return [incident for incident in found if self.may_see(incident)]

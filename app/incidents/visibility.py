"""Who may see an incident: the members of its war room, and workspace admins. Nobody else.

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
class Viewer:
    """One person as the visibility rule sees them."""

    user_id: str
    is_admin: bool
    rooms: frozenset[str]  # the private channels this person is a member of

    def may_see(self, incident: Incident) -> bool:
        return self.is_admin or incident.channel_id in self.rooms

    def visible(self, found: Iterable[Incident]) -> list[Incident]:
        return [incident for incident in found if self.may_see(incident)]

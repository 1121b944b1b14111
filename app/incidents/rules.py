"""Which incidents still take changes: the one rule every change checks, and its words.

An incident takes decisions, proposals, revisions, completions, updates and status or cadence
changes only while it is open. Resolved, `/crisis reopen` opens it again; archived is final:
its record stays exportable but nothing can change. (Review follow-ups are the exception the
approvals layer makes; see `app.approvals.gates`.)
"""

from __future__ import annotations

from app.errors import BadCommand
from app.incidents.models import Incident, Status


class IncidentClosed(BadCommand):
    """A change was asked of a resolved or archived incident."""


def closed_line(incident: Incident, *, archived: bool, doing: str = "") -> str | None:
    """The refusal for a change to `incident`, or None while it is open."""
    if archived:
        return f"{incident.ref} is archived; its record stays exportable but nothing can change."
    if incident.status == Status.RESOLVED:
        purpose = f" to {doing}" if doing else ""
        return f"{incident.ref} is resolved; `/crisis reopen` first{purpose}."
    return None


def check_open(incident: Incident, *, archived: bool, doing: str = "") -> None:
    """Refuse any change to a resolved or archived incident with one clear line."""
    line = closed_line(incident, archived=archived, doing=doing)
    if line is not None:
        raise IncidentClosed(line)


def card_line(incident: Incident, *, archived: bool) -> str | None:
    """What a card of a closed incident says instead of its buttons (None while open)."""
    if archived:
        return f":lock: {incident.ref} is archived; this card no longer changes."
    if incident.status == Status.RESOLVED:
        return (
            f":lock: {incident.ref} is resolved, so this card takes no decisions. "
            "`/crisis reopen` brings its buttons back."
        )
    return None

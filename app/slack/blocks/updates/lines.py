"""One-line answers and announcements: cadence, status, resolve and reopen."""

from __future__ import annotations

from datetime import datetime

from app.incidents.models import Incident, Status
from app.slack.blocks.text import safe, when
from app.slack.blocks.updates.words import cadence_text, status_text
from app.updates.durations import format_duration, roughly


def cadence_shown(incident: Incident, now: datetime) -> str:
    """The answer to `/crisis cadence`."""
    head = f"*{incident.ref}* stakeholder updates: {cadence_text(incident.cadence_seconds)}."
    return f"{head} {_due(incident, now)}{_how_to_change(incident)}"


def _due(incident: Incident, now: datetime) -> str:
    if incident.status == Status.RESOLVED:
        return "It is resolved, so no update is due."
    due = incident.next_update_due
    if due is None:
        return "No reminders until a cadence is set."
    if due <= now:
        return f"The next update is due now (it was due {when(due)})."
    return f"The next update is due {when(due)}, in {roughly((due - now).total_seconds())}."


def _how_to_change(incident: Incident) -> str:
    if incident.cadence_seconds:
        return " Change it with `/crisis cadence 45m`, or pause with `/crisis cadence off`."
    return " Turn reminders on with `/crisis cadence 30m`."


def cadence_changed(incident: Incident, *, by: str, previous: int | None, now: datetime) -> str:
    """Posted in the war room when someone changes the cadence."""
    if incident.cadence_seconds is None:
        return f":pause_button: <@{by}> paused update reminders for *{incident.ref}*."
    before = f" (was {cadence_text(previous)})" if previous != incident.cadence_seconds else ""
    every = format_duration(incident.cadence_seconds)
    return f":alarm_clock: <@{by}> set updates every *{every}*{before}. {_due(incident, now)}"


def status_changed(incident: Incident, *, by: str, previous: Status) -> str:
    return (
        f":arrows_counterclockwise: <@{by}> changed *{incident.ref}* from "
        f"{status_text(previous)} to {status_text(incident.status)}."
    )


def resolved(incident: Incident, *, by: str, summary: str) -> str:
    return (
        f":white_check_mark: <@{by}> resolved *{incident.ref}*: {safe(summary, 2500)}\n"
        "Update reminders have stopped; `/crisis reopen` resumes them."
    )


def reopened(incident: Incident, *, by: str, now: datetime) -> str:
    return f":leftwards_arrow_with_hook: <@{by}> reopened *{incident.ref}*. {_due(incident, now)}"

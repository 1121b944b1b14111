"""How statuses, due times and cadences read in every update message."""

from __future__ import annotations

from datetime import datetime

from app.incidents.models import Incident, Status
from app.slack.blocks.text import when
from app.updates.durations import format_duration

STATUS_ICON: dict[Status, str] = {
    Status.INVESTIGATING: ":mag:",
    Status.RESPONDING: ":hammer_and_wrench:",
    Status.MONITORING: ":eyes:",
    Status.RESOLVED: ":white_check_mark:",
}
STATUS_HINT: dict[Status, str] = {
    Status.INVESTIGATING: "finding out what happened",
    Status.RESPONDING: "acting on it",
    Status.MONITORING: "watching how it develops",
    Status.RESOLVED: "over; no more updates due",
}


def status_label(status: Status) -> str:
    return status.value.capitalize()


def status_text(status: Status) -> str:
    return f"{STATUS_ICON[status]} {status_label(status)}"


def cadence_text(seconds: int | None) -> str:
    return f"every {format_duration(seconds)}" if seconds else "paused"


def next_due_text(incident: Incident) -> str:
    if incident.status == Status.RESOLVED:
        return ":white_check_mark: Resolved: no more updates due"
    due: datetime | None = incident.next_update_due
    if due is None:
        return ":pause_button: No update scheduled: reminders are paused (`/crisis cadence 30m`)"
    return f":alarm_clock: Next update due {when(due)} ({cadence_text(incident.cadence_seconds)})"

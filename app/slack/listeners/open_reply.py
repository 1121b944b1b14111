"""Plain-text answers to the person who asked for something."""

from __future__ import annotations

from app.flows.incidents import OpenOutcome
from app.slack.blocks.text import channel_link


def open_outcome_text(outcome: OpenOutcome) -> str:
    incident = outcome.incident
    where = "the brief is pinned there." if outcome.brief_posted else "the brief follows there."
    lines = [
        f":rotating_light: *{incident.ref}* is open. Go to {channel_link(outcome.channel.id)}: "
        + where
    ]
    if outcome.not_invited:
        missed = ", ".join(f"<@{f.user_id}> ({f.reason})" for f in outcome.not_invited)
        lines.append(f"I could not add {missed}; everyone else is in.")
    lines.extend(f":warning: {warning}" for warning in outcome.warnings)
    return "\n".join(lines)

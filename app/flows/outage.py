"""Telling the admins, once, that the database cannot take writes.

People who hit the trouble get their own line (app/slack/listeners/error_handler.py); the
admins listed in CRISIS_ADMINS also get one direct message per kind of trouble, and no other
for the same trouble within `OUTAGE_QUIET` (app/flows/deps.py): a database that stays full
for an hour is one outage, not a message per click.
"""

from __future__ import annotations

import logging

from app.errors import SlackFailure
from app.flows.deps import Deps
from app.slack.blocks.text import escape

logger = logging.getLogger(__name__)


async def tell_admins(deps: Deps, trouble: str, error_id: str) -> None:
    """DM every CRISIS_ADMINS admin that writes are failing, unless told of it lately."""
    if not deps.settings.crisis_admins or not deps.outages.due(trouble, deps.clock.now()):
        return
    text = (
        f":rotating_light: Crisis Room cannot save to its database: {escape(trouble)} "
        f"(first seen as error id `{error_id}`). War rooms keep working in Slack, but decisions, "
        "updates and the legal record are not being stored until this is fixed. Messages are "
        "recovered from Slack's history afterwards; `GET /healthz` shows when it is healthy."
    )
    for admin in deps.settings.crisis_admins:
        try:
            await deps.slack.post(await deps.slack.dm_channel(admin), text=text)
        except SlackFailure:
            logger.warning("could not tell admin %s about the database trouble", admin)

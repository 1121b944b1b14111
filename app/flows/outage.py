"""Telling the admins, once, that the database cannot take writes.

People who hit the trouble get their own line (app/slack/listeners/error_handler.py); the
admins listed in CRISIS_ADMINS also get one direct message per kind of trouble, and no other
for the same trouble within `OUTAGE_QUIET` (app/flows/deps.py): a database that stays full
for an hour is one outage, not a message per click. A DM whose answer is lost is looked up
by its effect id ("outage:<error id>:<admin>") rather than sent twice (app/flows/effects.py).
"""

from __future__ import annotations

import logging
from datetime import datetime

from app.errors import SlackFailure
from app.flows.deps import Deps
from app.flows.effects import outcome_unknown, post_once
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
    now = deps.clock.now()
    for admin in deps.settings.crisis_admins:
        try:
            await _tell(deps, admin, text, effect=f"outage:{error_id}:{admin}", since=now)
        except SlackFailure:
            logger.warning("could not tell admin %s about the database trouble", admin)


async def _tell(deps: Deps, admin: str, text: str, *, effect: str, since: datetime) -> None:
    """One DM: when Slack did not answer and does not have it, try once more (looking first)."""
    channel = await deps.slack.dm_channel(admin)
    try:
        await post_once(deps, effect, channel=channel, text=text, since=since)
    except SlackFailure as failure:
        if not outcome_unknown(failure):
            raise
        await post_once(deps, effect, channel=channel, text=text, since=since, look_first=True)

"""The retention pass: purge resolved incidents older than CRISIS_RETENTION_DAYS.

Each purge is one transaction of its own (app/record/retention.py); two processes running the
pass together purge each incident once, since the second finds the incident row gone. Nothing
is posted to Slack: the war room of a purged incident may be archived, and the purge log is
the trace. The pass does nothing while retention is off (the default).
"""

from __future__ import annotations

import logging

from sqlalchemy.exc import SQLAlchemyError

from app.flows.deps import Deps
from app.record import retention

logger = logging.getLogger(__name__)

JOB_ID = "crisisroom-retention"


async def purge_expired(deps: Deps) -> int:
    """Purge every incident past retention now; how many were purged."""
    days = deps.settings.retention_days
    if days is None:
        return 0
    async with deps.db() as session:
        due = await retention.due(session, now=deps.clock.now(), days=days)
    purged = 0
    for incident_id in due:
        try:
            async with deps.db.begin() as session:
                tombstone = await retention.purge(
                    session, incident_id=incident_id, now=deps.clock.now(), days=days
                )
        except SQLAlchemyError:  # the purge rolled back whole; the next pass tries again
            logger.exception("could not purge INC-%s; nothing of it was deleted", incident_id)
            continue
        if tombstone is None:
            continue
        purged += 1
        deps.record.incidents.pop(tombstone.channel_id, None)
        logger.info(
            "purged INC-%s after %s days of retention: %s record entries, head %s, tombstone %s",
            incident_id,
            days,
            tombstone.entry_count,
            tombstone.final_hash[:12],
            tombstone.id,
        )
    if purged:
        deps.home.touch()
    return purged

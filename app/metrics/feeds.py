"""Per-incident keys of the metrics hook: made one at a time, ended all together.

Only the key id is stored and audited; its secret is derived when it is shown
(app/metrics/keys.py), so neither the database nor the legal record can sign a request.
The caller owns the transaction.
"""

from __future__ import annotations

from datetime import datetime

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from app.audit.service import audit
from app.metrics.keys import new_key_id
from app.metrics.models import MetricFeed

FEED_CREATED = "metric.feed_created"
FEED_REVOKED = "metric.feed_revoked"


async def create_feed(
    session: AsyncSession, *, incident_id: int, by: str, now: datetime
) -> MetricFeed:
    """A new key for the incident, audited by its id (never its secret)."""
    feed = MetricFeed(key_id=new_key_id(), incident_id=incident_id, created_by=by, created_at=now)
    session.add(feed)
    await session.flush()
    audit(
        session, at=now, actor=by, action=FEED_CREATED, incident_id=incident_id, key_id=feed.key_id
    )
    return feed


async def active_feeds(session: AsyncSession, incident_id: int) -> list[MetricFeed]:
    """The incident's keys not revoked, oldest first."""
    query = (
        select(MetricFeed)
        .where(MetricFeed.incident_id == incident_id, col(MetricFeed.revoked_at).is_(None))
        .order_by(col(MetricFeed.created_at), col(MetricFeed.key_id))
    )
    return list((await session.exec(query)).all())


async def revoke_feeds(
    session: AsyncSession, *, incident_id: int, by: str, now: datetime
) -> list[str]:
    """End every key of the incident still working; one audit row per key. Their ids."""
    ended = await active_feeds(session, incident_id)
    for feed in ended:
        feed.revoked_at = now
        session.add(feed)
        audit(
            session,
            at=now,
            actor=by,
            action=FEED_REVOKED,
            incident_id=incident_id,
            key_id=feed.key_id,
        )
    await session.flush()
    return [feed.key_id for feed in ended]

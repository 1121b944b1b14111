"""Copies an older release posted without an outbox row (rolling upgrades across migration
0012), each with its subject's workspace."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import bindparam, text
from sqlmodel.ext.asyncio.session import AsyncSession

from app.store.types import UTCDateTime

_ROWS = (
    "INSERT INTO outbox (kind, subject_id, channel_id, ts, user_id, want_version, done_version, "
    "attempts, changed_at, team_id, enterprise_id) "
)
_MISSING = (  # rows an older release's copies lack, as the outbox would hold them
    "SELECT 'card_copy', c.action_id, c.channel_id, c.ts, '', a.card_version, a.card_version, "
    "0, :now, a.team_id, a.enterprise_id FROM card_copy c JOIN action a ON a.id = c.action_id "
    "WHERE NOT EXISTS (SELECT 1 FROM outbox o WHERE o.kind = 'card_copy' "
    "AND o.channel_id = c.channel_id AND o.ts = c.ts)",
    "SELECT 'brief', i.id, i.channel_id, '', '', 1, 1, 0, :now, i.team_id, i.enterprise_id "
    "FROM incident i WHERE i.brief_ts IS NOT NULL AND NOT EXISTS "
    "(SELECT 1 FROM outbox o WHERE o.kind = 'brief' AND o.subject_id = i.id)",
    "SELECT 'topic', i.id, i.channel_id, '', '', 1, 1, 0, :now, i.team_id, i.enterprise_id "
    "FROM incident i WHERE NOT EXISTS "
    "(SELECT 1 FROM outbox o WHERE o.kind = 'topic' AND o.subject_id = i.id)",
    "SELECT 'library_card', c.version_id, c.channel_id, c.ts, c.channel_id, 1, 1, 0, :now, "
    "e.team_id, e.enterprise_id FROM library_card c "
    "JOIN library_version v ON v.id = c.version_id JOIN library_entry e ON e.id = v.entry_id "
    "WHERE NOT EXISTS (SELECT 1 FROM outbox o WHERE "
    "o.kind = 'library_card' AND o.channel_id = c.channel_id AND o.ts = c.ts)",
)


async def adopt_missing(session: AsyncSession, *, now: datetime) -> int:
    """Copies an older release posted without an outbox row (a rolling upgrade), up to date as
    they are: from now on their changes reach them. Returns how many were adopted. Writes
    nothing when nothing is missing (a read-only database still starts)."""
    connection, adopted = await session.connection(), 0
    stamped = bindparam("now", now, type_=UTCDateTime())
    for rows in _MISSING:
        counted = text(f"SELECT count(*) FROM ({rows}) AS m").bindparams(stamped)
        if (await connection.execute(counted)).scalar():
            inserted = await connection.execute(text(_ROWS + rows).bindparams(stamped))
            adopted += int(inserted.rowcount)
    return adopted

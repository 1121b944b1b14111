"""Every audit row also lands in the record, in the same transaction.

`audit()` is synchronous and only adds a row to the session, so the record entry is written
when that row is flushed: an `after_flush` listener on a session factory's sessions appends
one `action` entry per audit row the flush inserted, on the flush's own connection. If the
transaction rolls back, both go. An audit row without an incident (a standing-role change) is
appended to every open incident, since it changes who is in each war room.

The composition root connects it (`install_record_hook(factory)` in `create_app`); the audit
package knows nothing of the record.
"""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, event, or_, select
from sqlalchemy.orm import Session

from app.audit.models import AuditEntry
from app.incidents.models import Incident, Status
from app.record.append import ENTRY
from app.record.batch import Pending, append_all
from app.record.drafts import Draft
from app.record.models import EntryKind
from app.store.engine import SessionFactory

HOOKED = "crisisroom_record_hook"
SLACK_USER = re.compile(r"^[UW][A-Z0-9]{2,}$")


def install_record_hook(factory: SessionFactory) -> None:
    """From now on, every audit row flushed by `factory`'s sessions is appended to the record
    (installing it twice changes nothing)."""
    sessions = factory.session_class
    if not sessions.__dict__.get(HOOKED):  # not event.contains(): it can be fooled by a
        event.listen(sessions, "after_flush", _after_flush)  # collected class's reused id
        setattr(sessions, HOOKED, True)


def _after_flush(session: Session, _context: Any) -> None:
    flushed = [item for item in session.new if isinstance(item, AuditEntry) and item.id]
    if not flushed:
        return
    conn = session.connection()
    names: dict[str, str | None] = {}  # one look-up per actor a flush (a batch of points: one)
    pending: list[Pending] = []
    for entry in sorted(flushed, key=lambda item: item.id or 0):  # the order they were added
        if entry.actor not in names:
            names[entry.actor] = _known_name(conn, entry.actor)
        draft = action_draft(entry).named(names[entry.actor])
        for incident_id in _incidents_for(conn, entry):
            pending.append(Pending(draft, incident_id, entry.at))
    append_all(conn, pending)  # one head lock and one insert per incident (a batch of points)


def action_draft(entry: AuditEntry) -> Draft:
    return audit_draft(entry.id or 0, entry.action, entry.detail, actor=entry.actor, at=entry.at)


def audit_draft(
    audit_id: int, action: str, detail: dict[str, Any], *, actor: str, at: datetime
) -> Draft:
    """The record entry of an audit row (given as its values by a Core writer)."""
    return Draft(
        kind=EntryKind.ACTION,
        dedupe_key=f"audit:{audit_id}",
        occurred_at=at,
        content={"action": action, "detail": detail, "audit_id": audit_id},
        user_id=actor,
    )


def _incidents_for(conn: Connection, entry: AuditEntry) -> list[int]:
    """Its incident's; without one, every open incident's, or only those of the workspace its
    detail names (`team_id`: a role change, an uninstall) and those without one yet, or of
    the Grid org it names without a workspace (`enterprise_id`: an org-wide uninstall)."""
    if entry.incident_id is not None:
        return [entry.incident_id]
    table = Incident.__table__  # type: ignore[attr-defined]
    query = select(table.c.id).where(table.c.status != Status.RESOLVED.value).order_by(table.c.id)
    detail = entry.detail if isinstance(entry.detail, dict) else {}
    team, org = detail.get("team_id"), detail.get("enterprise_id")
    if isinstance(team, str) and team:
        query = query.where(or_(table.c.team_id == team, table.c.team_id.is_(None)))
    elif isinstance(org, str) and org:
        query = query.where(or_(table.c.enterprise_id == org, table.c.team_id.is_(None)))
    return [int(row.id) for row in conn.execute(query)]


def _known_name(conn: Connection, user_id: str) -> str | None:
    """The name last stored for this person in any record (names are resolved on ingest).
    Only a Slack user has one: for "hook:<key id>" (the metrics hook) the query would walk
    every entry the hook ever made, all nameless, to find none."""
    if not SLACK_USER.match(user_id):
        return None
    query = (
        select(ENTRY.c.user_name)
        .where(ENTRY.c.user_id == user_id, ENTRY.c.user_name.is_not(None))
        .order_by(ENTRY.c.id.desc())
        .limit(1)
    )
    return conn.execute(query).scalar()

"""Storing what happens in incident channels: one event, one append, one transaction."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime
from typing import Any

from sqlalchemy import Connection

from app.errors import SlackFailure
from app.flows.deps import Deps
from app.incidents import service as incidents
from app.record import append as chain
from app.record.drafts import Draft, from_event
from app.slack.files import Fetched, fetch_all


async def ingest_event(
    deps: Deps, event: dict[str, Any], *, event_id: str | None = None
) -> chain.Appended | None:
    """Archive one message event if it happened in an incident channel (None otherwise,
    and None for a duplicate delivery)."""
    draft = from_event(event, event_id=event_id)
    if draft is None or not draft.channel_id:
        return None
    incident_id = await incident_of(deps, draft.channel_id)
    return None if incident_id is None else await store(deps, draft, incident_id)


async def incident_of(deps: Deps, channel_id: str) -> int | None:
    """The incident whose war room `channel_id` is (remembered: a channel never changes
    incident), or None."""
    known = deps.record.incidents
    if channel_id not in known:
        async with deps.db() as session:
            incident = await incidents.by_channel(session, channel_id)
        if incident is None or incident.id is None:
            return None
        known[channel_id] = incident.id
    return known[channel_id]


async def store(deps: Deps, draft: Draft, incident_id: int) -> chain.Appended | None:
    """Resolve the author's name and any files, then append in one transaction."""
    if draft.files and await already_stored(deps, incident_id, draft.dedupe_key):
        return None
    draft = draft.named(draft.user_name or await name_of(deps, draft.user_id))
    fetched = await fetch_all(deps.slack, draft.files, cap=deps.settings.record_file_max_bytes)
    if fetched:
        draft = _with_files(draft, fetched)
    engine = deps.db.engine
    one_writer = engine.dialect.name == "sqlite"  # one writer at a time: one lock for all
    lock = deps.record.locks(None if one_writer else incident_id)
    async with lock, engine.begin() as conn:
        return await conn.run_sync(_write, draft, incident_id, deps.clock.now(), fetched)


def _write(
    conn: Connection, draft: Draft, incident_id: int, now: datetime, fetched: list[Fetched]
) -> chain.Appended | None:
    appended = chain.append(conn, draft, incident_id=incident_id, recorded_at=now)
    if appended is not None:
        for item in fetched:
            if item.content is not None:
                chain.store_file(conn, item.meta["sha256"], item.content)
    return appended


async def already_stored(deps: Deps, incident_id: int, key: str) -> bool:
    async with deps.db() as session:
        conn = await session.connection()
        return await conn.run_sync(chain.has_key, incident_id, key)


async def name_of(deps: Deps, user_id: str | None) -> str | None:
    """The person's name as Slack shows it now (users.info, cached); None if unknown."""
    if not user_id:
        return None
    try:
        user = await deps.slack.user(user_id)
    except SlackFailure:
        return None
    return user.display if user else None


def _with_files(draft: Draft, fetched: list[Fetched]) -> Draft:
    message = dict(draft.content.get("message") or {})
    message["files"] = [item.meta for item in fetched]
    return replace(draft, content={**draft.content, "message": message})

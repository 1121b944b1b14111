"""Storing what happens in incident channels: one event, one append, one transaction."""

from __future__ import annotations

import logging
from dataclasses import replace
from typing import Any

from app.errors import SlackFailure
from app.flows.deps import Deps
from app.incidents import service as incidents
from app.record import append as chain
from app.record import organisations as orgs
from app.record import queries
from app.record.batch import Pending
from app.record.drafts import Draft, delete_draft, from_event
from app.record.models import EntryKind
from app.record.reactions import pin_draft, reaction_draft
from app.record.shapes import incomplete
from app.slack.files import Fetched, fetch_all

logger = logging.getLogger(__name__)


async def ingest_event(
    deps: Deps, event: dict[str, Any], *, event_id: str | None = None
) -> chain.Appended | None:
    """Archive one message event if it happened in an incident channel (None otherwise,
    and None for a duplicate delivery)."""
    draft = from_event(event, event_id=event_id)
    if draft is None:
        _left_to_reconcile(event, event_id)
        return None
    return await ingest_draft(deps, draft)


async def ingest_reaction(
    deps: Deps, event: dict[str, Any], *, event_id: str | None = None
) -> chain.Appended | None:
    """Archive a reaction_added / reaction_removed / pin_added / pin_removed in a war room."""
    is_pin = str(event.get("type", "")).startswith("pin_")
    draft = (pin_draft if is_pin else reaction_draft)(event, event_id=event_id)
    return None if draft is None else await ingest_draft(deps, draft)


async def ingest_draft(deps: Deps, draft: Draft) -> chain.Appended | None:
    """Store the draft if its channel is a war room (None otherwise, and for a duplicate)."""
    if not draft.channel_id:
        return None
    incident_id = await incident_of(deps, draft.channel_id)
    return None if incident_id is None else await store(deps, draft, incident_id)


def _left_to_reconcile(event: dict[str, Any], event_id: str | None) -> None:
    """An event that lost the parts naming its message is never dropped silently: it is
    logged, and reconcile (at start and before every export) reads the message from history."""
    reason = incomplete(event)
    if reason is not None:
        channel = event.get("channel") or "?"
        logger.warning(
            "%s in %s (event %s): not stored now; reconcile recovers it from history",
            reason,
            channel,
            event_id or "?",
        )


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
    """Resolve the author's name and any files, then append: the entry is committed when this
    returns (the group-commit writer's batch holding it has committed)."""
    if draft.files and await already_stored(deps, incident_id, draft.dedupe_key):
        return None
    if draft.kind == EntryKind.DELETE and not draft.content.get("previous"):
        draft = await _with_original(deps, draft, incident_id)
    name = draft.user_name or await name_of(deps, draft.user_id)
    draft = orgs.authored(draft, name, await organisation_of(deps, draft))
    fetched = await fetch_all(deps.slack, draft.files, cap=deps.settings.record_file_max_bytes)
    if fetched:
        draft = _with_files(draft, fetched)
    kept = tuple(
        (item.meta["sha256"], item.content) for item in fetched if item.content is not None
    )
    pending = Pending(draft, incident_id, recorded_at=deps.clock.now(), files=kept)
    return await deps.db.writer.submit(deps.record.heads.append_all, pending)


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


async def organisation_of(deps: Deps, draft: Draft) -> orgs.Organisation | None:
    """The author's organisation, for the entry (Slack Connect: internal or external): their
    home team from the event, else users.info; its name from team.info (cached). None where
    the entry keeps none."""
    home = deps.slack.team_id
    if not home or not orgs.wants(draft):
        return None
    team_id = orgs.event_team(draft) or await _home_team(deps, draft.user_id)
    if not team_id:
        return None
    try:
        team = await deps.slack.team(team_id)
    except SlackFailure as failure:
        logger.info("organisation %s unnamed: %s", team_id, failure.error)
        team = None
    external = orgs.is_external(
        team_id,
        team.enterprise_id if team else None,
        home=home,
        home_enterprise=deps.slack.enterprise_id,
    )
    return orgs.Organisation(team_id, team.name if team else "", external)


async def _home_team(deps: Deps, user_id: str | None) -> str | None:
    try:
        user = await deps.slack.user(user_id) if user_id else None
    except SlackFailure:
        return None
    return (user.team_id or None) if user else None


async def _with_original(deps: Deps, draft: Draft, incident_id: int) -> Draft:
    """A deletion whose event did not carry the original (a tombstone without its previous
    message): the original text and author come from the record."""
    assert draft.ts is not None and draft.channel_id is not None
    async with deps.db() as session:
        conn = await session.connection()
        found = await conn.run_sync(queries.latest_versions, incident_id, [draft.ts])
    original = found.get(draft.ts)
    if not original:
        return draft
    again = delete_draft(draft.ts, original, draft.channel_id, at=None, event_id=draft.event_id)
    return replace(again, occurred_at=draft.occurred_at, recovered=draft.recovered)


def _with_files(draft: Draft, fetched: list[Fetched]) -> Draft:
    message = dict(draft.content.get("message") or {})
    message["files"] = [item.meta for item in fetched]
    return replace(draft, content={**draft.content, "message": message})

"""Recovering what the bot missed while it was down, from conversations.history and .replies.

Runs at start for every open incident and before every export. Messages the record lacks are
stored marked `recovered`; edits show in history as a message's `edited` stamp; a message the
record holds that history no longer shows was deleted while the bot was away. Everything goes
through the same dedupe keys as live events, so a late retry of the same event stores nothing.
Each entry carries the time the message (or edit) happened, from its ts; a deletion, whose
time history does not show, carries the message's time and says when it was noticed.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from app.errors import SlackFailure
from app.flows.deps import Deps
from app.flows.record_ingest import store
from app.incidents import service as incidents
from app.incidents.models import Incident
from app.record import queries
from app.record.drafts import Draft, delete_draft, edit_draft, from_event, visible

logger = logging.getLogger(__name__)


async def reconcile_open(deps: Deps) -> int:
    """Reconcile every open incident; a failure on one (Slack's or ours) is logged and never
    stops the others."""
    async with deps.db() as session:
        active = await incidents.active(session)
    recovered = 0
    for incident in active:
        try:
            recovered += await reconcile_incident(deps, incident)
        except SlackFailure as failure:
            logger.warning("could not reconcile %s: %s", incident.ref, failure.message)
        except Exception:
            logger.exception("reconciling %s failed; the other incidents carry on", incident.ref)
    return recovered


async def reconcile_incident(deps: Deps, incident: Incident) -> int:
    """Store what the record lacks from the incident's channel; returns how many entries."""
    assert incident.id is not None
    messages, bound = await walk(deps, incident.channel_id)
    known = await _read(deps, queries.keys, incident.id)
    edited = [str(m["ts"]) for m in messages if m.get("edited")]
    versions = await _read(deps, queries.latest_versions, incident.id, edited)
    drafts = missing(messages, incident.channel_id, known, versions)
    gone = deleted(messages, incident.channel_id, known, bound)
    previous = await _read(deps, queries.latest_versions, incident.id, gone)
    now = deps.clock.now()
    drafts += [
        delete_draft(
            ts, previous.get(ts), incident.channel_id, at=None, recovered=True, noticed_at=now
        )
        for ts in gone
    ]
    stored = 0
    for draft in drafts:
        stored += await store(deps, draft, incident.id) is not None
    if stored:
        logger.info("recovered %d entries for %s", stored, incident.ref)
    return stored


async def _read(deps: Deps, query: Any, *args: Any) -> Any:
    async with deps.db() as session:
        conn = await session.connection()
        return await conn.run_sync(query, *args)


async def walk(deps: Deps, channel: str) -> tuple[list[dict[str, Any]], str]:
    """Every message in the channel, thread replies included, and the newest ts at the start."""
    top = await deps.slack.messages(channel, what="read the channel history")
    bound = max((str(m.get("ts")) for m in top), key=_num, default="0")
    found = list(top)
    for root in top:
        if root.get("reply_count") or root.get("latest_reply"):
            thread = await deps.slack.messages(
                channel, what="read a thread", thread_ts=str(root["ts"])
            )
            found += [m for m in thread if m.get("ts") != root.get("ts")]
    return found, bound


def missing(
    messages: Iterable[dict[str, Any]],
    channel: str,
    known: set[str],
    versions: dict[str, dict[str, Any]],
) -> list[Draft]:
    """Drafts for the messages and edits the record does not hold yet, oldest first."""
    drafts: list[Draft] = []
    for message in sorted(messages, key=lambda m: _num(str(m.get("ts")))):
        draft = from_event({**message, "channel": channel}, recovered=True)
        if draft is None:
            continue
        if draft.dedupe_key not in known:
            drafts.append(draft)
            continue
        if not draft.kind.is_post:
            continue  # a notice's `edited` stamp (a huddle's room changing) is nobody's edit
        stored = versions.get(str(message.get("ts")))
        if message.get("edited") and visible(message) != visible(stored):
            edit = edit_draft(message, None, channel, recovered=True)
            if edit.dedupe_key not in known:
                drafts.append(edit)
    return drafts


def deleted(
    messages: Iterable[dict[str, Any]], channel: str, known: set[str], bound: str
) -> list[str]:
    """ts of messages the record holds that the channel no longer shows (up to `bound`)."""
    seen = {str(m.get("ts")) for m in messages if m.get("subtype") != "tombstone"}
    prefix = f"post:{channel}:"
    held = {key.removeprefix(prefix) for key in known if key.startswith(prefix)}
    gone = [
        ts
        for ts in held - seen
        if _num(ts) <= _num(bound) and f"delete:{channel}:{ts}" not in known
    ]
    return sorted(gone, key=_num)


def _num(ts: str) -> Decimal:
    try:
        return Decimal(ts)
    except ArithmeticError:
        return Decimal(0)


def start_recovery(deps: Deps) -> asyncio.Task[int]:
    """Reconcile the open incidents in the background: the bot serves events meanwhile."""
    return deps.work.spawn(_recover(deps), name="crisisroom:record-reconcile")


async def _recover(deps: Deps) -> int:
    try:
        return await reconcile_open(deps)
    except asyncio.CancelledError:
        raise
    except Exception:
        logger.exception("reconciling the open incidents at start failed")
        return 0


async def stop_recovery(task: asyncio.Task[int] | None) -> None:
    if task is not None and not task.done():
        task.cancel()
        await asyncio.gather(task, return_exceptions=True)

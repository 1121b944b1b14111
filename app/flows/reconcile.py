"""Recovering what the bot missed while it was down, from conversations.history and .replies.

`reconcile_incident` walks the whole channel: at start for every open incident, when Slack
says it is dropping events (`app_rate_limited`) and before every export; it also notes the
newest ts it read (`record_catch_up.reconciled_ts`). `reconcile_recent` is the periodic
catch-up's (app/flows/catch_up.py) incremental walk, from that ts. Messages the record lacks are
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
from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal
from typing import Any

from app.errors import SlackFailure
from app.flows.deps import Deps
from app.flows.record_ingest import store
from app.incidents import service as incidents
from app.incidents.models import Incident
from app.record import catch_up, queries
from app.record.drafts import Draft, delete_draft, edit_draft, from_event, visible
from app.slack.gateway_reads import PAGE_SIZE
from app.store.workspace import Workspace

logger = logging.getLogger(__name__)


async def reconcile_open(deps: Deps) -> int:
    """Reconcile every open incident; a failure on one (Slack's or ours) is logged and never
    stops the others."""
    async with deps.db() as session:
        active = await incidents.active(session)
    recovered = 0
    for incident in active:
        try:
            served = await deps.on(Workspace.of(incident))  # its workspace's installation
            recovered += await reconcile_incident(served, incident)
        except SlackFailure as failure:
            logger.warning("could not reconcile %s: %s", incident.ref, failure.message)
        except Exception:
            logger.exception("reconciling %s failed; the other incidents carry on", incident.ref)
    return recovered


async def reconcile_incident(deps: Deps, incident: Incident) -> int:
    """Store what the record lacks from the incident's channel; returns how many entries."""
    return (await reconcile_whole(deps, incident)).stored


async def reconcile_whole(deps: Deps, incident: Incident) -> Caught:
    """Walk the whole channel, threads included: store the messages, edits and deletions the
    record lacks, and remember the newest ts read (later catch-up passes start from there)."""
    assert incident.id is not None
    settled = _ts(deps.clock.now().timestamp() - float(SETTLED.total_seconds()))
    messages, bound, calls = await walk(deps, incident.channel_id)
    known = await _read(deps, queries.keys, incident.id)
    edited = [str(m["ts"]) for m in messages if m.get("edited")]
    versions = await _read(deps, queries.latest_versions, incident.id, edited)
    drafts = missing(messages, incident.channel_id, known, versions)
    gone = deleted(messages, incident.channel_id, known, max(bound, settled, key=_num))
    previous = await _read(deps, queries.latest_versions, incident.id, gone)
    now = deps.clock.now()
    drafts += [
        delete_draft(
            ts, previous.get(ts), incident.channel_id, at=None, recovered=True, noticed_at=now
        )
        for ts in gone
    ]
    stored = await _store_all(deps, drafts, incident)
    newest = bound if bound != "0" else None
    async with deps.db.begin() as session:
        await catch_up.advance(session, incident.id, newest, now)
    return Caught(stored, newest, calls)


async def _store_all(deps: Deps, drafts: list[Draft], incident: Incident) -> int:
    assert incident.id is not None
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


async def walk(deps: Deps, channel: str) -> tuple[list[dict[str, Any]], str, int]:
    """Every message in the channel, thread replies included, the newest ts at the start, and
    how many Web API calls (pages) that took."""
    top = await deps.slack.messages(channel, what="read the channel history")
    bound = max((str(m.get("ts")) for m in top), key=_num, default="0")
    found, calls = list(top), _pages(top)
    for root in top:
        if root.get("reply_count") or root.get("latest_reply"):
            thread = await deps.slack.messages(
                channel, what="read a thread", thread_ts=str(root["ts"])
            )
            calls += _pages(thread)
            found += [m for m in thread if m.get("ts") != root.get("ts")]
    return found, bound, calls


# A message stored but missing from history is deleted only if it is older than the newest one
# history showed, or than this long before the walk began (a newer one may have been posted
# while the walk ran; Slack's clock and ours may differ by a little).
SETTLED = timedelta(minutes=1)
OVERLAP = Decimal(120)  # seconds of history read again before the newest ts already read


@dataclass(frozen=True)
class Caught:
    """What one incremental walk did: entries stored, newest ts read, Web API calls made."""

    stored: int
    newest: str | None
    calls: int


async def reconcile_recent(deps: Deps, incident: Incident, *, since: str | None) -> Caught:
    """Store what the record lacks from the channel's recent history: the top-level messages
    after `since` (less `OVERLAP`), and the threads among them whose latest reply the record
    lacks; one history call when nothing is missing. A known gap gets the whole walk instead
    (`reconcile_whole`: edits and deletions of older messages, replies in older threads)."""
    assert incident.id is not None
    channel, floor = incident.channel_id, _floor(since)
    top = await deps.slack.messages(channel, what="catch up on the channel history", oldest=floor)
    calls = _pages(top)
    known = await _known(deps, incident.id, channel, top)
    found = list(top)
    for root in top:
        if _stale_thread(root, channel, known):
            thread = await deps.slack.messages(
                channel, what="catch up on a thread", thread_ts=str(root["ts"])
            )
            calls += _pages(thread)
            found += [m for m in thread if m.get("ts") != root.get("ts")]
    known |= await _known(deps, incident.id, channel, found[len(top) :])
    edited = [str(m["ts"]) for m in found if m.get("edited")]
    versions = await _read(deps, queries.latest_versions, incident.id, edited)
    stored = await _store_all(deps, missing(found, channel, known, versions), incident)
    newest = max((str(m.get("ts")) for m in found), key=_num, default=None)
    return Caught(stored, newest, calls)


def _floor(since: str | None) -> str | None:
    if since is None:
        return None
    return f"{max(_num(since) - OVERLAP, Decimal(0)):.6f}"


def _pages(messages: list[dict[str, Any]]) -> int:
    return max(1, -(-len(messages) // PAGE_SIZE))


def _stale_thread(root: dict[str, Any], channel: str, known: set[str]) -> bool:
    """Whether the thread under `root` may hold replies the record lacks."""
    latest = root.get("latest_reply")
    if not (root.get("reply_count") or latest):
        return False
    return latest is None or f"post:{channel}:{latest}" not in known


async def _known(
    deps: Deps, incident_id: int, channel: str, messages: list[dict[str, Any]]
) -> set[str]:
    """Which of the keys these messages (their edits, their threads' latest replies) would
    be stored under the record already holds."""
    wanted: set[str] = set()
    for message in messages:
        draft = from_event({**message, "channel": channel}, recovered=True)
        if draft is not None:
            wanted.add(draft.dedupe_key)
        if message.get("edited") and message.get("ts"):
            wanted.add(edit_draft(message, None, channel, recovered=True).dedupe_key)
        if message.get("latest_reply"):
            wanted.add(f"post:{channel}:{message['latest_reply']}")
    return set(await _read(deps, catch_up.keys_among, incident_id, sorted(wanted)))


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
        lost = draft.dedupe_key not in known
        if lost:
            drafts.append(draft)
        if not draft.kind.is_post or not message.get("edited"):
            continue  # (a notice's `edited` stamp, a huddle's room changing, is nobody's edit)
        # An edit the record lacks. A post lost with its edit: the text as last edited is all
        # history keeps, and the record still says it was edited, by whom and when.
        if lost or visible(message) != visible(versions.get(str(message.get("ts")))):
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


def _ts(seconds: float) -> str:
    return f"{max(seconds, 0):.6f}"


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

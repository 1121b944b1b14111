"""The outbox worker: brings every copy Slack shows (card copies, briefs, topics, Home tabs)
up to the version the database wants (app/outbox).

A row is leased (one process at a time; in this process one task at a time per row), its
copy rendered from what is stored now and sent in one Slack call; then `done_version` moves
to the version rendered. A copy that changed meanwhile is sent again by the same worker before
it lets go, so the last write on every copy is its newest rendering. Flows `kick` the rows of
what they changed right after their commit; the periodic pass (`work`) takes whatever is due
(retries, a dead process's rows after their lease).

Failures, by Slack's error name: permanent ones (the message or channel is gone, archived,
no longer editable) stop that copy with a log line until its next change; anything else is
retried after a bounded exponential backoff, or after Slack's Retry-After when it is longer
(slack-sdk's own retry handlers have already retried 429 and 5xx a few times by then). When
the tries are used up, the incident's leads (the war room if there is none) are told once.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Iterable
from datetime import datetime, timedelta

from app.errors import SlackFailure
from app.flows import outbox_render
from app.flows.deps import Deps
from app.flows.effects import post_once
from app.incidents import service as incidents
from app.outbox import service as outbox
from app.outbox.adopt import adopt_missing as adopt_copies
from app.outbox.models import OutboxKind, OutboxRow
from app.roles import service as roles
from app.roles.models import Role
from app.slack.errors_text import explain
from app.slack.teams import team_of
from app.store.workspace import Workspace

logger = logging.getLogger(__name__)

JOB_ID = "crisisroom:outbox"
MAX_ATTEMPTS = 6  # tries of one change before the lead is told (2+4+8+16+32 s between them)
BACKOFF_FIRST = 2.0  # seconds before the second try
BACKOFF_MAX = 300.0
CALL_SECONDS = 45.0  # one render and send; shorter than the lease (outbox.LEASE, 60 s)
ROUNDS = 10  # sends of one row in a row while it keeps changing, before leaving it to a pass
AT_ONCE = 4  # rows worked on at the same time by one pass
PERMANENT = frozenset(
    {
        "message_not_found",
        "channel_not_found",
        "is_archived",
        "cant_update_message",
        "edit_window_closed",
        "not_in_channel",
        "user_not_found",
        "account_inactive",
        "too_many_pins",
        "invalid_blocks",
        "msg_too_long",
        "not_authed",
        "invalid_auth",
        "token_revoked",
    }
)


async def kick(
    deps: Deps,
    kind: OutboxKind,
    *,
    subject_id: int | None = None,
    user_ids: Iterable[str] | None = None,
    renders: outbox_render.Renders | None = None,
) -> int:
    """Bring these copies up to date now (right after the change's commit); `renders`: what
    the change read already (the worker reads again only what wants a newer version).
    Returns the newest version these copies wanted when the kick began (0: no copies)."""
    async with deps.db() as session:
        wanted = await outbox.wanted_of(session, kind, subject_id=subject_id, user_ids=user_ids)
    # In order: what Slack sees is reproducible.
    await deliver(deps, [row_id for row_id, _ in wanted], at_once=1, renders=renders)
    return max((want for _, want in wanted), default=0)


async def adopt_missing(deps: Deps) -> None:
    """At start: copies an older release posted without an outbox row get one (rolling
    upgrades across migration 0012)."""
    async with deps.db.begin() as session:
        adopted = await adopt_copies(session, now=deps.clock.now())
    if adopted:
        logger.info("%d copies posted by an older release are kept up to date from now", adopted)


async def work(deps: Deps) -> int:
    """The periodic pass: every copy that is behind and may be tried now."""
    async with deps.db() as session:
        ids = await outbox.due_ids(session, now=deps.clock.now())
    return await deliver(deps, ids)


async def deliver(
    deps: Deps,
    row_ids: Iterable[int],
    *,
    at_once: int = AT_ONCE,
    renders: outbox_render.Renders | None = None,
) -> int:
    """Work on these rows, `at_once` at a time; how many sends were made."""
    gate = asyncio.Semaphore(at_once)
    renders = outbox_render.Renders() if renders is None else renders  # nothing read twice

    async def one(row_id: int) -> int:
        async with gate:
            return await _row(deps, row_id, renders)

    return sum(await asyncio.gather(*(one(row_id) for row_id in row_ids)))


async def _row(deps: Deps, row_id: int, renders: outbox_render.Renders) -> int:
    sent = 0
    async with deps.outbox.rows(row_id):
        for _ in range(ROUNDS):
            async with deps.db.begin() as session:
                row = await outbox.take(session, row_id, owner=deps.owner, now=deps.clock.now())
            if row is None:
                break
            sent += 1
            if not await _attempt(await deps.on(Workspace.of(row)), row, renders):
                break
    return sent


async def _attempt(deps: Deps, row: OutboxRow, renders: outbox_render.Renders) -> bool:
    """One render and send of a leased row; True when it is still behind and due."""
    try:
        async with asyncio.timeout(CALL_SECONDS):
            plan = await outbox_render.plan(deps, row, renders)
            if plan.send is not None and not plan.gone:
                await plan.send()
    except SlackFailure as failure:
        await _failed(deps, row, failure.error, retry_after(failure))
        return False
    except TimeoutError:
        await _failed(deps, row, "timeout", None)
        return False
    async with deps.db.begin() as session:
        if plan.gone:
            await outbox.forget(session, row.id or 0)
            return False
        fresh = await outbox.finish(
            session,
            row.id or 0,
            owner=deps.owner,
            version=plan.version,
            now=deps.clock.now(),
        )
    return fresh is not None and fresh.stale


def retry_after(failure: SlackFailure) -> float | None:
    """Slack's Retry-After on a 429 the client gave up on, in seconds."""
    response = getattr(failure.__cause__, "response", None)
    headers = getattr(response, "headers", None) or {}
    for name, value in dict(headers).items():
        if str(name).lower() == "retry-after":
            text = value[0] if isinstance(value, list | tuple) and value else value
            try:
                return max(float(str(text)), 0.0)
            except ValueError:
                return None
    return None


def next_try(now: datetime, *, attempts: int, error: str, wait: float | None) -> datetime | None:
    """When a copy that failed `attempts` times in a row is tried again; None: stop."""
    if error in PERMANENT or attempts >= MAX_ATTEMPTS:
        return None
    backoff = min(BACKOFF_FIRST * 2 ** (attempts - 1), BACKOFF_MAX)
    return now + timedelta(seconds=max(backoff, wait or 0.0))


async def _failed(deps: Deps, row: OutboxRow, error: str, wait: float | None) -> None:
    now = deps.clock.now()
    attempts = row.attempts + 1
    when = next_try(now, attempts=attempts, error=error, wait=wait)
    async with deps.db.begin() as session:
        await outbox.fail(session, row.id or 0, owner=deps.owner, error=error, retry_at=when)
        exhausted = when is None and error not in PERMANENT
        tell = exhausted and await outbox.mark_told(session, row.id or 0, now=now)
    what, incident_id = await outbox_render.describe(deps, row)
    if when is not None:
        logger.info("%s: try %d failed (%s); next at %s", what, attempts, error, when.isoformat())
    elif error in PERMANENT:
        logger.warning("stopped updating %s: %s", what, error)
    else:
        logger.warning("gave up updating %s after %d tries: %s", what, attempts, error)
    if tell and incident_id is not None:
        effect = f"stale:{row.kind.value}:{row.id}:v{row.want_version}"
        await _tell_lead(deps, incident_id, what, error, attempts, effect)


async def _tell_lead(
    deps: Deps, incident_id: int, what: str, error: str, tries: int, effect: str
) -> None:
    """Once per failure streak: the incident's leads by DM, or its war room if it has none."""
    now = deps.clock.now()
    async with deps.db() as session:
        incident = await incidents.get(session, incident_id)
        if incident is None:
            return
        team = team_of(incident, deps.slack)
        leads = (await roles.holders(session, team=team)).get(Role.LEAD, [])
    deps = await deps.on(Workspace.of(incident))
    text = (
        f":warning: {incident.ref}: I could not update {what} after {tries} tries "
        f"({explain(error)}). It may show an older state until its next change."
    )
    for target in leads or [incident.channel_id]:
        try:
            await post_once(deps, f"{effect}:{target}", channel=target, text=text, since=now)
        except SlackFailure as failure:
            logger.warning("could not tell %s about a stale copy: %s", incident.ref, failure.error)


async def pending(deps: Deps, kind: OutboxKind, subject_id: int) -> OutboxRow | None:
    """The first copy of `kind` for `subject_id` still behind (with its last error), or None."""
    async with deps.db() as session:
        for row_id in await outbox.ids_of(session, kind, subject_id=subject_id):
            row = await session.get(OutboxRow, row_id)
            if row is not None and row.stale:
                return row
    return None

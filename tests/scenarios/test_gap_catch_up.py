"""Gaps in the record are noticed and closed without a restart (issue 13): what Slack gave up
on while the database refused writes is read back from history by the periodic catch-up, on
SQLite and PostgreSQL; replicas share the work; a healthy incident costs one history call."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import text
from sqlmodel import select

from app.clock import FakeClock
from app.flows.catch_up import backlog
from app.flows.health import HealthCheck
from app.harness import Harness
from app.harness.seed import DAVID, MARIA, SARAH
from app.incidents.models import Incident
from app.main import CrisisRoom, create_app
from app.record.catch_up import ROUTINE_EVERY
from app.record.verify import verify_incident
from app.slackdouble.viewstore import APP_ID
from app.store.engine import SessionFactory, make_session_factory
from tests.conftest import BACKENDS
from tests.databases import harness_on
from tests.record.scenario import open_war_room, record_of, settle_all
from tests.record.test_group_commit import refuse_record_writes
from tests.record.test_shapes import fixture
from tests.scenarios.conftest import crisis


def slack_time_is_the_bots(harness: Harness) -> FakeClock:
    """Message ts follow the fake clock, so minutes pass for Slack too."""
    clock = harness.clock
    assert isinstance(clock, FakeClock)
    harness.double.ws.wall = lambda: clock.now().timestamp()
    return clock


def calls(harness: Harness, method: str) -> int:
    return len(harness.double.calls_to(method))


async def routine_pass(harness: Harness) -> None:
    assert isinstance(harness.clock, FakeClock)
    harness.clock.advance(ROUTINE_EVERY)
    await harness.room.tick()


async def first_look(harness: Harness) -> None:
    """The first pass gives the open incidents their rows, the next one reads each channel."""
    await harness.room.tick()
    await routine_pass(harness)


@pytest.mark.parametrize("backend", BACKENDS)
async def test_what_slack_gave_up_on_during_an_outage_is_caught_up_without_a_restart(
    backend: str, tmp_path: Path
) -> None:
    async with harness_on(backend, tmp_path) as harness:
        clock, double = slack_time_is_the_bots(harness), harness.double
        incident = await open_war_room(harness)
        room = incident.channel_id
        root = double.post_as(DAVID.id, room, "Legal view: no admission of fault")
        await settle_all(harness)
        await first_look(harness)  # the catch-up has read history up to here
        clock.advance(60)

        harness.driver.retry_delays = (0.01, 0.01, 0.01)
        before = len(harness.driver.forwarded)
        await refuse_record_writes(harness.db, True)
        lost = [double.post_as(MARIA.id, room, f"Holding statement v{n}") for n in range(3)]
        lost.append(double.post_as(SARAH.id, room, "Agreed, no admission", thread_ts=root))
        await settle_all(harness)
        answered = [response.status for response in harness.driver.forwarded[before:]]
        assert set(answered) == {503} and len(answered) >= 4 * len(lost)  # Slack gave up
        await refuse_record_writes(harness.db, False)

        clock.advance(5)  # the thread goes on: its latest reply is stored live
        live = double.post_as(MARIA.id, room, "Removing that line", thread_ts=root)
        await settle_all(harness)
        keys = [row["dedupe_key"] for row in await record_of(harness, incident.id or 0)]
        assert f"post:{room}:{live}" in keys
        assert not {f"post:{room}:{ts}" for ts in lost} & set(keys)

        clock.advance(1)
        await harness.room.tick()  # no restart: the next pass closes the gap
        assert harness.room.gap_closer.calls == 2  # the channel's history, and the one live thread
        rows = await record_of(harness, incident.id or 0)
        keys = [row["dedupe_key"] for row in rows]
        for ts in lost:
            assert keys.count(f"post:{room}:{ts}") == 1
        assert all(row["recovered"] for row in rows if row["ts"] in lost)
        assert len(keys) == len(set(keys))
        assert (await backlog(harness.room.deps)).waiting == 0
        assert (await verify_incident(harness.db, incident.id or 0)).intact


@pytest.mark.parametrize("backend", BACKENDS)
async def test_edits_and_deletions_slack_gave_up_on_are_caught_up_too(
    backend: str, tmp_path: Path
) -> None:
    """Edits and deletions of older messages (a thread's earlier reply among them) are not in
    recent history: a known gap walks the whole channel."""
    async with harness_on(backend, tmp_path) as harness:
        clock, double = slack_time_is_the_bots(harness), harness.double
        incident = await open_war_room(harness)
        room = incident.channel_id
        root = double.post_as(DAVID.id, room, "Legal view: no admission of fault")
        early = double.post_as(SARAH.id, room, "First draft reply", thread_ts=root)
        double.post_as(MARIA.id, room, "Latest reply", thread_ts=root)
        doomed = double.post_as(MARIA.id, room, "Posted in error")
        await settle_all(harness)
        await first_look(harness)
        clock.advance(15 * 60)  # older than any overlap

        harness.driver.retry_delays = (0.01, 0.01, 0.01)
        await refuse_record_writes(harness.db, True)
        double.edit_as(SARAH.id, room, early, "First draft reply (withdrawn)")
        double.edit_as(DAVID.id, room, root, "Legal view: no admission of fault, see thread")
        double.delete_as(MARIA.id, room, doomed)
        both = double.post_as(MARIA.id, room, "Draft holding line")  # posted and edited
        double.edit_as(MARIA.id, room, both, "Holding line, as approved")
        await settle_all(harness)
        await refuse_record_writes(harness.db, False)

        clock.advance(1)
        await harness.room.tick()
        keys = [row["dedupe_key"] for row in await record_of(harness, incident.id or 0)]
        assert f"delete:{room}:{doomed}" in keys
        assert [k for k in keys if k.startswith(f"edit:{room}:{early}")]
        assert [k for k in keys if k.startswith(f"edit:{room}:{root}")]
        assert f"post:{room}:{both}" in keys  # with the text as last edited, and the edit:
        assert [k for k in keys if k.startswith(f"edit:{room}:{both}")]
        assert len(keys) == len(set(keys))
        assert (await verify_incident(harness.db, incident.id or 0)).intact


@pytest.mark.parametrize("backend", BACKENDS)
async def test_marks_wait_in_memory_while_the_database_refuses_them(
    backend: str, tmp_path: Path
) -> None:
    async with harness_on(backend, tmp_path) as harness:
        slack_time_is_the_bots(harness)
        incident = await open_war_room(harness)
        harness.driver.retry_delays = (0.01, 0.01, 0.01)
        await refuse_record_writes(harness.db, True)
        await refuse_catch_up_writes(harness.db, True)
        ts = harness.double.post_as(MARIA.id, incident.channel_id, "Draft apology v1")
        await settle_all(harness)
        await harness.room.tick()  # the marks cannot be saved: they stay in memory
        found = await backlog(harness.room.deps)
        assert (found.waiting, found.unsaved) == (0, 1)  # the channel's
        verbose = await HealthCheck(harness.room.deps).catch_up()  # for /healthz?verbose=1
        assert verbose["unsaved"] == 1 and verbose["oldest_gap"] is not None
        await refuse_catch_up_writes(harness.db, False)
        await refuse_record_writes(harness.db, False)
        await harness.room.tick()  # saved, and the incident walked at once
        rows = await record_of(harness, incident.id or 0)
        assert [row["recovered"] for row in rows if row["ts"] == ts] == [True]
        found = await backlog(harness.room.deps)
        assert (found.waiting, found.unsaved, found.oldest) == (0, 0, None)


async def refuse_catch_up_writes(db: SessionFactory, refuse: bool) -> None:
    """The database refuses the catch-up's own writes too (the trigger function of
    `refuse_record_writes` on PostgreSQL)."""
    async with db.begin() as session:
        conn = await session.connection()
        sqlite = conn.dialect.name == "sqlite"
        body = "BEGIN SELECT RAISE(ABORT, 'refused'); END"
        if not sqlite:
            body = "FOR EACH ROW EXECUTE FUNCTION outage()"
        for when in ("INSERT", "UPDATE"):
            name = f"no_catch_up_{when.lower()}"
            if refuse:
                create = f"CREATE TRIGGER {name} BEFORE {when} ON record_catch_up {body}"
                await conn.execute(text(create))
            else:
                on = "" if sqlite else " ON record_catch_up"
                await conn.execute(text(f"DROP TRIGGER {name}{on}"))


async def open_incidents(harness: Harness, n: int) -> list[Incident]:
    """The seeded war room and n - 1 more, each with a thread whose replies were stored."""
    await open_war_room(harness)
    for k in range(1, n):
        await crisis(harness, MARIA.id, f"open Second front {k}")
    await settle_all(harness)
    async with harness.db() as session:
        incidents = list((await session.exec(select(Incident).order_by(Incident.id))).all())
    for incident in incidents:
        root = harness.double.post_as(DAVID.id, incident.channel_id, "Numbers check")
        harness.double.post_as(MARIA.id, incident.channel_id, "Confirmed", thread_ts=root)
    await settle_all(harness)
    return incidents


@pytest.mark.parametrize("backend", BACKENDS)
async def test_steady_state_costs_one_history_call_per_incident(
    backend: str, tmp_path: Path
) -> None:
    async with harness_on(backend, tmp_path) as harness:
        clock = slack_time_is_the_bots(harness)
        incidents = await open_incidents(harness, 3)
        await first_look(harness)
        for n in range(40):
            clock.advance(15)
            harness.double.post_as(MARIA.id, incidents[n % 3].channel_id, f"update {n}")
        await settle_all(harness)  # (ten minutes of talk, all stored live)
        await routine_pass(harness)
        history, replies = (
            calls(harness, "conversations.history"),
            calls(harness, "conversations.replies"),
        )
        await routine_pass(harness)
        assert calls(harness, "conversations.history") - history == len(incidents)
        assert calls(harness, "conversations.replies") == replies
        assert harness.room.gap_closer.calls == len(incidents)
        newest = [call.args for call in harness.double.calls_to("conversations.history")][-3:]
        first_ts = float(incidents[0].opened_at.timestamp())
        # not from the start: each read begins two minutes before what was read last time
        assert all(float(args["oldest"]) > first_ts + 12 * 60 for args in newest)


@asynccontextmanager
async def replica(harness: Harness) -> AsyncIterator[CrisisRoom]:
    """Another bot process on the same database and the same Slack."""
    factory = make_session_factory(harness.room.engine)
    other = create_app(harness.settings, clock=harness.clock, session_factory=factory)
    await other.start()
    await other.recovery
    try:
        yield other
    finally:
        await other.stop()


@pytest.mark.parametrize("backend", BACKENDS)
async def test_two_replicas_reconcile_each_incident_once_per_period(
    backend: str, tmp_path: Path
) -> None:
    async with harness_on(backend, tmp_path) as harness:
        slack_time_is_the_bots(harness)
        incidents = await open_incidents(harness, 4)
        async with replica(harness) as other:
            for period in range(2):
                before = calls(harness, "conversations.history")
                assert isinstance(harness.clock, FakeClock)
                harness.clock.advance(ROUTINE_EVERY)
                await asyncio.gather(harness.room.catch_up.run(), other.catch_up.run())
                walked = calls(harness, "conversations.history") - before
                assert walked == len(incidents), period
                assert harness.room.gap_closer.calls + other.gap_closer.calls == len(incidents)
            history = [
                call.args["channel"] for call in harness.double.calls_to("conversations.history")
            ]
            for incident in incidents:  # two periods: each channel read twice after start
                assert history[-2 * len(incidents) :].count(incident.channel_id) == 2


async def test_app_rate_limited_marks_every_open_incident_and_a_retry_marks_nothing(
    tmp_path: Path,
) -> None:
    async with harness_on("sqlite", tmp_path) as harness:
        incident = await open_war_room(harness)
        gaps = harness.room.deps.gaps
        await harness.room.tick()  # rows for the open incidents; nothing marked yet
        assert gaps.pending == 0 and (await backlog(harness.room.deps)).waiting == 0
        event = said_in(incident.channel_id)
        timed_out = await harness.driver.event(event, retry_num=1, retry_reason="http_timeout")
        assert timed_out.status == 200 and gaps.pending == 0  # stored once: no gap
        body = json.dumps(fixture("app_rate_limited", app_id=APP_ID))
        limited = await harness.driver.post_raw(body, content_type="application/json")
        await harness.settle()
        assert limited.status == 200 and gaps.everything is not None
        await harness.room.tick()
        assert (await backlog(harness.room.deps)).waiting == 1  # the one open incident


def said_in(channel: str) -> dict[str, Any]:
    ts = "1764600000.000100"
    return {
        "type": "message",
        "channel": channel,
        "user": MARIA.id,
        "text": "Statement is out",
        "ts": ts,
        "event_ts": ts,
        "channel_type": "group",
        "client_msg_id": "5f0c4e9a-0000-4000-8000-000000000100",
        "team": "T0CRISIS",
        "blocks": [],
    }

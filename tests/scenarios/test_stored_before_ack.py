"""A message event's 200 promises its record entry: acknowledged means committed. When the
database refuses the write, Slack is answered 503 and its retry is stored once (both backends,
over HTTP and Socket Mode)."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import pytest

from app.harness import Harness
from app.harness.seed import DAVID, MARIA
from app.slackdouble.socket_mode_driver import SocketModeDriver
from tests.conftest import BACKENDS
from tests.databases import harness_on
from tests.record.scenario import open_war_room, record_of
from tests.record.test_group_commit import refuse_record_writes


def said_in(channel: str, n: int, *, user: str = MARIA.id) -> dict[str, Any]:
    """A message event as Slack sends it (fields of a real `message` event)."""
    ts = f"1764600000.{n:06d}"
    return {
        "type": "message",
        "channel": channel,
        "user": user,
        "text": f"status line {n}",
        "ts": ts,
        "event_ts": ts,
        "channel_type": "group",
        "client_msg_id": f"5f0c4e9a-0000-4000-8000-{n:012d}",
        "team": "T0CRISIS",
        "blocks": [],
    }


def keys(rows: list[dict[str, Any]], channel: str) -> list[str]:
    """The entries of the test's own events (their ts start 1764600000.)."""
    mine = f"post:{channel}:1764600000."
    return [row["dedupe_key"] for row in rows if row["dedupe_key"].startswith(mine)]


@pytest.mark.parametrize("backend", BACKENDS)
async def test_the_200_comes_after_the_commit(backend: str, tmp_path: Path) -> None:
    async with harness_on(backend, tmp_path) as harness:
        incident = await open_war_room(harness)
        channel = incident.channel_id
        responses = await asyncio.gather(
            *(harness.driver.event(said_in(channel, n)) for n in range(60))
        )
        assert {response.status for response in responses} == {200}
        # no settle: what was acknowledged is already in the record
        assert len(keys(await record_of(harness, incident.id or 0), channel)) == 60


@pytest.mark.parametrize("backend", BACKENDS)
async def test_a_refused_write_is_answered_503_and_slacks_retry_is_stored_once(
    backend: str, tmp_path: Path
) -> None:
    async with harness_on(backend, tmp_path) as harness:
        incident = await open_war_room(harness)
        event = said_in(incident.channel_id, 1)
        await refuse_record_writes(harness.db, True)
        refused = await harness.driver.event(event, event_id="Ev0OUTAGE1")
        assert refused.status == 503
        await refuse_record_writes(harness.db, False)
        again = await harness.driver.event(event, event_id="Ev0OUTAGE1", retry_num=1)
        twice = await harness.driver.event(event, event_id="Ev0OUTAGE1", retry_num=2)
        assert (again.status, twice.status) == (200, 200)
        rows = await record_of(harness, incident.id or 0)
        assert keys(rows, incident.channel_id) == [f"post:{incident.channel_id}:{event['ts']}"]


@pytest.mark.parametrize("backend", BACKENDS)
async def test_an_outage_during_a_burst_loses_nothing_acknowledged(
    backend: str, tmp_path: Path
) -> None:
    """200 events, 16 in flight; from the 50th the database refuses writes for half a second.
    Each event is sent again, as Slack does, until it gets a 200."""
    async with harness_on(backend, tmp_path) as harness:
        incident = await open_war_room(harness)
        channel, answered = incident.channel_id, await _burst(harness, incident.channel_id)
        rows = await record_of(harness, incident.id or 0)
        stored = keys(rows, channel)
        assert len(stored) == len(set(stored)) == 200  # every event, each once
        assert 503 in answered and answered.count(200) == 200


async def _burst(harness: Harness, channel: str) -> list[int]:
    gate, answered, sent = asyncio.Semaphore(16), list[int](), [0]

    async def outage() -> None:
        await refuse_record_writes(harness.db, True)
        await asyncio.sleep(0.5)
        await refuse_record_writes(harness.db, False)

    async def send(n: int) -> None:
        async with gate:
            sent[0] += 1
            if sent[0] == 50:
                harness.room.deps.work.spawn(outage(), name="outage")
            for retry in range(500):
                response = await harness.driver.event(
                    said_in(channel, n), event_id=f"Ev0BURST{n:04d}", retry_num=retry or None
                )
                answered.append(response.status)
                if response.status == 200:
                    return
                await asyncio.sleep(0.01)

    await asyncio.gather(*(send(n) for n in range(200)))
    await harness.settle()
    return answered


async def test_the_double_sends_a_refused_event_again_like_slack(tmp_path: Path) -> None:
    async with harness_on("sqlite", tmp_path) as harness:
        incident = await open_war_room(harness)
        harness.driver.retry_delays = (0.3, 0.3, 0.3)
        await refuse_record_writes(harness.db, True)
        before = len(harness.driver.forwarded)
        harness.double.post_as(DAVID.id, incident.channel_id, "Legal is reviewing the draft")
        await harness.until(lambda: len(harness.driver.forwarded) > before, timeout=10)
        await refuse_record_writes(harness.db, False)
        await harness.settle_all(timeout=10)
        statuses = [response.status for response in harness.driver.forwarded[before:]]
        assert statuses[0] == 503 and statuses[-1] == 200
        retry = harness.driver.forwarded[-1].sent
        assert retry is not None and retry.headers["X-Slack-Retry-Reason"] == "http_error"
        texts = [
            row["body"].get("message", {}).get("text")
            for row in await record_of(harness, incident.id or 0)
        ]
        assert texts.count("Legal is reviewing the draft") == 1


async def test_over_socket_mode_a_refused_event_is_left_unacknowledged(tmp_path: Path) -> None:
    async with harness_on("sqlite", tmp_path, socket_mode=True) as harness:
        incident = await open_war_room(harness)
        assert isinstance(harness.driver, SocketModeDriver)
        harness.driver.ack_timeout = 1.0
        await refuse_record_writes(harness.db, True)
        with pytest.raises(TimeoutError):  # no ack: Slack sends the envelope again
            await harness.driver.event(said_in(incident.channel_id, 7))
        await refuse_record_writes(harness.db, False)
        stored = await harness.driver.event(said_in(incident.channel_id, 7))
        assert stored.status == 200
        rows = await record_of(harness, incident.id or 0)
        assert len(keys(rows, incident.channel_id)) == 1

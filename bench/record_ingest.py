"""How fast the legal record archives Slack events sent to the real HTTP endpoint.

Opens a war room against the Slack test double, has people post messages, thread replies and
edits in it while the bot is not listening, then replays all those events to `POST
/slack/events` as Slack would (signed, many in flight at once) and times until every one is
stored in the hash chain on SQLite. Then re-sends some with X-Slack-Retry-Num to show that
duplicates are stored once. Slack sends at most 30,000 events an hour per workspace.

    .venv/bin/python bench/record_ingest.py [--events 5000] [--in-flight 32]
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import tempfile
import time
from pathlib import Path
from typing import Any

from sqlmodel import select

from app.clock import FakeClock
from app.harness import Harness, start_harness
from app.harness.seed import ALEX, DAVID, LISA, MARIA, ROBERT, SARAH
from app.incidents.models import Incident
from app.record import queries
from app.record.verify import verify_incident

SLACK_MAX_PER_HOUR = 30_000
PEOPLE = [MARIA, DAVID, LISA, ROBERT, SARAH]


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


async def crisis(harness: Harness, user: str, text: str) -> None:
    response = await harness.driver.command(user, text, channel_id=harness.general)
    assert response.status == 200, response.text
    await harness.settle()


async def war_room(harness: Harness) -> Incident:
    for person in PEOPLE:
        assert person.role is not None
        await crisis(harness, ALEX.id, f"role add {person.role.value} <@{person.id}>")
    await crisis(harness, MARIA.id, "open Benchmark: video going viral")
    async with harness.db() as session:
        return (await session.exec(select(Incident))).one()


def chatter(harness: Harness, channel: str, events: int) -> list[dict[str, Any]]:
    """People talk in the war room (70% posts, 20% thread replies, 10% edits); the events."""
    heard: list[dict[str, Any]] = []

    async def collect(event: dict[str, Any]) -> None:
        heard.append(event)

    harness.double.subscribe(collect)
    roots: list[tuple[str, str]] = []
    for n in range(events):
        person = PEOPLE[n % len(PEOPLE)].id
        if n % 10 == 9 and roots:
            author, ts = roots[-1]
            harness.double.edit_as(author, channel, ts, f"message {n} (edited)")
        elif n % 10 in (3, 6) and roots:
            harness.double.post_as(person, channel, f"reply {n}", thread_ts=roots[-1][1])
        else:
            roots.append((person, harness.double.post_as(person, channel, f"message {n}: status")))
    return heard


async def replay(harness: Harness, events: list[dict[str, Any]], in_flight: int) -> list[float]:
    gate = asyncio.Semaphore(in_flight)
    acks: list[float] = []

    async def send(n: int, event: dict[str, Any]) -> None:
        async with gate:
            response = await harness.driver.event(event, event_id=f"EvBENCH{n:07d}")
            assert response.status == 200, response.text
            acks.append(response.elapsed * 1000)

    await asyncio.gather(*(send(n, e) for n, e in enumerate(events)))
    return acks


async def main(count: int, in_flight: int) -> None:
    with tempfile.TemporaryDirectory() as folder:
        harness = await start_harness(
            database_url=f"sqlite:///{Path(folder) / 'bench.db'}", clock=FakeClock()
        )
        try:
            incident = await war_room(harness)
            events = chatter(harness, incident.channel_id, count)
            await harness.double.settle()
            before = await stored(harness, incident.id or 0)
            started = time.perf_counter()
            acks = await replay(harness, events, in_flight)
            after = await until_stored(harness, incident.id or 0, before + len(events))
            elapsed = time.perf_counter() - started
            await replay(harness, events[:500], in_flight)  # Slack retries: stored once
            await harness.settle(timeout=600)
            duplicates = await stored(harness, incident.id or 0) - after
            report = await verify_incident(harness.db, incident.id or 0)
        finally:
            await harness.stop()
    rate = len(events) / elapsed
    print("Legal record ingest through POST /slack/events (SQLite, one process)")
    print(f"  events sent:      {len(events):,} ({in_flight} in flight)")
    print(f"  entries stored:   {after - before:,} in {elapsed:.2f} s")
    print(f"  rate:             {rate:,.0f} events/s = {rate * 3600:,.0f} events/hour")
    print(f"  vs Slack's max:   {rate * 3600 / SLACK_MAX_PER_HOUR:,.0f}x (30,000 events/hour)")
    median, p99 = statistics.median(acks), percentile(acks, 0.99)
    print(f"  ack latency:      median {median:.1f} ms, p99 {p99:.1f} ms")
    print(f"  500 redeliveries: {duplicates} new entries")
    state = "intact" if report.intact else "BROKEN"
    print(f"  chain:            {state}, {report.verdict.entries:,} entries")


async def until_stored(harness: Harness, incident_id: int, expected: int) -> int:
    """Poll the chain head (cheaply) until every event is stored."""
    deadline = time.monotonic() + 3600
    while (count := await stored(harness, incident_id)) < expected:
        if time.monotonic() > deadline:
            raise TimeoutError(f"only {count} of {expected} entries were stored")
        await asyncio.sleep(0.05)
    return count


async def stored(harness: Harness, incident_id: int) -> int:
    async with harness.db() as session:
        conn = await session.connection()
        return await conn.run_sync(queries.count, incident_id)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=5000)
    parser.add_argument("--in-flight", type=int, default=32)
    args = parser.parse_args()
    asyncio.run(main(args.events, args.in_flight))

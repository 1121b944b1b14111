"""What a reminder tick costs with 1,000 open incidents, all overdue and already nudged.

Opens the incidents, lets one real tick nudge every one of them (through a Slack stand-in that
only counts posts), then times ticks while nothing new is owed, interleaved (A B A B) with the
old full scan measured in the same run: every open overdue incident loaded, and its reminder
rows read to find the nudge already sent. Checks that each incident got exactly one nudge.

    .venv/bin/python bench/scheduler_tick.py [--incidents 1000] [--rounds 10] [--database URL]
"""

from __future__ import annotations

import argparse
import asyncio
import platform
import statistics
import tempfile
import time
from collections import Counter
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from apscheduler.schedulers.asyncio import AsyncIOScheduler
from sqlmodel import col, select

from app.approvals.policy import DEFAULT_POLICY
from app.clock import FakeClock
from app.flows.deps import Deps
from app.flows.reminder_pass import tick
from app.incidents.models import Incident, Status
from app.settings import load_settings
from app.store.engine import SessionFactory, make_engine, make_session_factory
from app.store.migrate import upgrade
from app.updates import claims

CADENCE = timedelta(minutes=30)
START = datetime(2026, 11, 21, 9, 0, tzinfo=UTC)


class CountingSlack:
    """Stands in for the gateway's `post`: counts each post per channel."""

    bot_user_id = "U0BOT"
    team_id = "T0BENCH"  # (the installed workspace, as auth.test gives it at start)
    enterprise_id: str | None = None

    def __init__(self) -> None:
        self.posts: Counter[str] = Counter()

    async def post(self, channel: str, *, text: str, **_: Any) -> str:
        self.posts[channel] += 1
        return f"{1763733600 + sum(self.posts.values())}.000100"


async def seed(db: SessionFactory, count: int) -> None:
    rows = [
        Incident(
            title=f"Incident {i}",
            channel_id=f"C{i:07d}",
            channel_name=f"inc-{i}",
            opened_by="U0MARIA",
            opened_at=START,
            cadence_seconds=int(CADENCE.total_seconds()),
            next_update_due=START + CADENCE,
            next_reminder_at=START + CADENCE,
        )
        for i in range(count)
    ]
    async with db.begin() as session:
        session.add_all(rows)


async def old_full_scan(db: SessionFactory, now: datetime) -> int:
    """The pre-0010 tick's reads: every open overdue incident, then each one's reminder rows."""
    async with db() as session:
        query = select(Incident).where(
            col(Incident.status) != Status.RESOLVED.value,
            col(Incident.cadence_seconds).is_not(None),
            col(Incident.next_update_due).is_not(None),
            col(Incident.next_update_due) <= now,
        )
        due = list((await session.exec(query)).all())
    for incident in due:
        async with db() as session:
            await claims.for_period(session, incident.id or 0, incident.next_update_due or now)
    return len(due)


async def timed(run: Callable[[], Awaitable[int]]) -> tuple[float, int]:
    began = time.perf_counter()
    looked = await run()
    return (time.perf_counter() - began) * 1000, looked


async def main(count: int, rounds: int, url: str | None) -> None:
    with tempfile.TemporaryDirectory() as folder:
        engine = make_engine(url or f"sqlite:///{Path(folder) / 'bench.db'}")
        await upgrade(engine)
        db, clock, slack = make_session_factory(engine), FakeClock(START), CountingSlack()
        deps = Deps(
            settings=load_settings(SLACK_BOT_TOKEN="xoxb-bench", SLACK_SIGNING_SECRET="s"),
            slack=slack,  # type: ignore[arg-type]
            db=db,
            clock=clock,
            scheduler=AsyncIOScheduler(timezone="UTC"),
            policy=DEFAULT_POLICY,
        )
        await seed(db, count)
        clock.advance(CADENCE)
        began = time.perf_counter()
        nudged = 0
        while looked := await tick(deps):  # each tick takes at most `schedule.TAKE_LIMIT`
            nudged += looked
        first = time.perf_counter() - began
        ours: list[float] = []
        theirs: list[float] = []
        for _ in range(rounds):
            clock.advance(timedelta(seconds=1))
            ms, looked = await timed(lambda: tick(deps))
            ours.append(ms)
            assert looked == 0, looked
            ms, looked = await timed(lambda: old_full_scan(db, clock.now()))
            theirs.append(ms)
            assert looked == count, looked
        await engine.dispose()
    assert nudged == count and sorted(set(slack.posts.values())) == [1], "each nudge once"
    a, b = statistics.median(ours), statistics.median(theirs)
    print(f"machine: {platform.node()} {platform.machine()} python {platform.python_version()}")
    print(f"database: {url or 'sqlite (temp file)'}; {count} open incidents, overdue and nudged")
    print(f"catch-up, {count} due: {first:.2f} s ({sum(slack.posts.values())} nudges, once each)")
    print(f"tick (median of {rounds}):        {a:8.2f} ms")
    print(f"old full scan, same run:      {b:8.2f} ms")
    print(f"ratio tick / old scan:        {a / b:8.3f}")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--incidents", type=int, default=1000)
    parser.add_argument("--rounds", type=int, default=10)
    parser.add_argument("--database", help="a database URL (default: a fresh SQLite file)")
    args = parser.parse_args()
    asyncio.run(main(args.incidents, args.rounds, args.database))

"""The chaos run's script: set the war rooms up, then talk, click and update while a replica
is killed, the database is cut and Slack misbehaves, each at its planned second."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field

from _chaos_cluster import Cluster
from _chaos_people import People
from _chaos_reminders import Window
from _db import Store
from sqlmodel import col, select

from app.approvals.models import Action, ActionState, CardCopy
from app.incidents.models import Incident
from app.slackdouble import SlackDouble

TITLES = ("Video going viral", "Checkout outage rumours", "Influencer praise thread")
KILLED = 1  # the second replica
LATE_DELAY = 35.0  # the late answer comes after the bot's 30 s client timeout


@dataclass
class Plan:
    seconds: float  # the measured phase
    events: int
    proposals: int  # a room
    cadence: int  # seconds
    update_every: float
    kill_at: float
    down_for: float
    cut_at: float
    cut_for: float
    faults_at: float
    faults_for: float


@dataclass
class Marks:
    """What happened when (time.time()), for the report."""

    windows: list[Window] = field(default_factory=list)
    restart_seconds: float = 0.0
    phase_start: float = 0.0
    phase_end: float = 0.0
    rooms: dict[int, str] = field(default_factory=dict)  # incident id -> war room
    consequences: float = 0.0  # the settle lasts at least until then (the late answer)
    bench_cpu: float = 0.0  # CPU seconds this process (double, balancer, door) used in the phase


async def set_up(people: People, store: Store, plan: Plan) -> dict[int, str]:
    """Roles, three war rooms (one opened from the form), a fast cadence, proposals."""
    await people.roles()
    for n, title in enumerate(TITLES):
        await people.open(title, modal=n == 0)
    rooms = await _war_rooms(store, len(TITLES))
    for channel in rooms.values():
        await people.cadence(channel, plan.cadence)
    for n in range(plan.proposals):
        for channel in rooms.values():
            await people.propose(channel, f"Statement {n + 1}")
    await _until(lambda: _copies_ready(store), 30)
    return rooms


async def _war_rooms(store: Store, count: int, timeout: float = 60) -> dict[int, str]:
    deadline = time.monotonic() + timeout
    while True:
        async with store.db() as session:
            query = select(Incident).where(col(Incident.brief_ts).is_not(None))
            rows = (await session.exec(query)).all()
        if len(rows) >= count or time.monotonic() > deadline:
            return {row.id or 0: row.channel_id for row in rows}
        await asyncio.sleep(0.1)


async def _copies_ready(store: Store) -> bool:
    """Every action has its war-room copy and the two approvers' DM copies."""
    async with store.db() as session:
        actions = (await session.exec(select(Action.id))).all()
        copies = (await session.exec(select(CardCopy.action_id))).all()
    return all(list(copies).count(a or 0) >= 3 for a in actions)


async def _until(check: Callable[[], Awaitable[bool]], timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if await check():
            return True
        await asyncio.sleep(0.2)
    return False


async def phase(
    people: People, cluster: Cluster, double: SlackDouble, store: Store, plan: Plan, marks: Marks
) -> None:
    """The measured phase: every part runs on its own clock from the same start."""
    marks.phase_start = start = time.time()
    cpu = time.process_time()
    rooms = list(marks.rooms.values())
    await asyncio.gather(
        _talk(people, rooms, plan, start),
        _updates(people, rooms, plan, start),
        _approvals(people, store, plan, start),
        _kill(cluster, plan, marks, start),
        _cut(cluster, plan, marks, start),
        _slack_faults(double, plan, marks, start),
    )
    marks.phase_end = time.time()
    marks.bench_cpu = time.process_time() - cpu
    faults = next(w for w in marks.windows if w.name.startswith("Slack"))
    marks.consequences = faults.start + LATE_DELAY  # when the late answer arrives


async def _at(start: float, offset: float) -> None:
    await asyncio.sleep(max(0.0, start + offset - time.time()))


async def _talk(people: People, rooms: list[str], plan: Plan, start: float) -> None:
    for n in range(plan.events):
        await _at(start, n * plan.seconds / plan.events)
        people.talk(rooms)


async def _updates(people: People, rooms: list[str], plan: Plan, start: float) -> None:
    async def room(index: int, channel: str) -> None:
        offset, n = 2.0 + index * plan.update_every / len(rooms), 0
        while offset < plan.seconds - plan.update_every / 2:
            await _at(start, offset)
            n += 1
            await people.update(channel, n)
            offset += plan.update_every

    await asyncio.gather(*(room(i, channel) for i, channel in enumerate(rooms)))


async def _approvals(people: People, store: Store, plan: Plan, start: float) -> None:
    """Pending actions approved one at a time, evenly over the phase, the two approvers
    clicking at once on two different replicas (turning round the three)."""
    async with store.db() as session:
        query = select(Action).where(col(Action.state) == ActionState.PENDING)
        pending = [a.id or 0 for a in (await session.exec(query.order_by(col(Action.id))))]
    every = plan.seconds / max(1, len(pending))
    for n, action_id in enumerate(pending):
        await _at(start, 1.0 + n * every)
        async with store.db() as session:
            where = col(CardCopy.action_id) == action_id
            copies = list((await session.exec(select(CardCopy).where(where))).all())
        await people.approve_together(copies, first=n)


async def _kill(cluster: Cluster, plan: Plan, marks: Marks, start: float) -> None:
    await _at(start, plan.kill_at)
    killed = time.time()
    await cluster.kill(KILLED)
    await _at(start, plan.kill_at + plan.down_for)
    marks.restart_seconds = await cluster.restart(KILLED)
    marks.windows.append(Window(f"replica-{KILLED + 1} kill -9", killed, time.time()))


async def _cut(cluster: Cluster, plan: Plan, marks: Marks, start: float) -> None:
    await _at(start, plan.cut_at)
    began = time.time()
    await cluster.door.shut()
    await _at(start, plan.cut_at + plan.cut_for)
    await cluster.door.open()
    marks.windows.append(Window("database cut", began, time.time()))


async def _slack_faults(double: SlackDouble, plan: Plan, marks: Marks, start: float) -> None:
    """chat.update: 429 (Retry-After 1) then 503; chat.postMessage: one late answer (after
    the bot's 30 s timeout), one dropped connection, then 500, then 429 (Retry-After 2)."""
    await _at(start, plan.faults_at)
    began, half = time.time(), plan.faults_for / 2
    double.fault("chat.update", "rate_limited", seconds=half, retry_after=1)
    double.fault("chat.postMessage", "late", times=1, seconds=plan.faults_for, delay=LATE_DELAY)
    double.fault("chat.postMessage", "drop", times=1, seconds=plan.faults_for)
    double.fault("chat.postMessage", "server_error", seconds=half)
    await _at(start, plan.faults_at + half)
    double.fault("chat.update", "server_error", seconds=half, status=503)
    double.fault("chat.postMessage", "rate_limited", seconds=half, retry_after=2)
    await _at(start, plan.faults_at + plan.faults_for)
    for method in ("chat.update", "chat.postMessage"):
        marks.windows.append(Window(f"Slack faults on {method}", began, time.time()))

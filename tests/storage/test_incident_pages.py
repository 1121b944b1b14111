"""`/crisis list` and the Home tab read one page of incidents plus a count, with the
visibility rule inside the query, whatever the number of incidents."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import event
from sqlalchemy.ext.asyncio import AsyncEngine

from app.approvals.policy import load_policy
from app.home.facts import MAX_ACTIVE, MAX_RESOLVED, home_facts
from app.incidents import service as incidents
from app.incidents.models import Incident, Status
from app.incidents.visibility import AdminScope, Viewer
from app.roles.service import NO_TEAM
from app.store.engine import SessionFactory

OPENED = datetime(2026, 3, 1, 9, 0, tzinfo=UTC)
MANY = 1000


def room(number: int) -> str:
    return f"C{number:06d}"


async def seed(db: SessionFactory, count: int = MANY) -> None:
    """`count` incidents, every fourth one resolved, each in a war room of its own."""
    async with db.begin() as session:
        for number in range(count):
            status = Status.RESOLVED if number % 4 == 3 else Status.INVESTIGATING
            session.add(incident_row(number, status=status))


def incident_row(number: int, **extra: Any) -> Incident:
    return Incident(
        title=f"Incident {number}",
        channel_id=room(number),
        channel_name=f"crisis-{number}",
        opened_by="U0MARIA",
        opened_at=OPENED + timedelta(minutes=number),
        **extra,
    )


@contextmanager
def incident_selects(engine: AsyncEngine) -> Iterator[list[str]]:
    """Every SELECT statement sent to the database that reads incident rows."""
    seen: list[str] = []

    def record(_conn: Any, _cursor: Any, statement: str, *_rest: Any) -> None:
        lowered = statement.lower()
        if lowered.lstrip().startswith("select") and "from incident" in lowered:
            seen.append(lowered)

    event.listen(engine.sync_engine, "before_cursor_execute", record)
    try:
        yield seen
    finally:
        event.remove(engine.sync_engine, "before_cursor_execute", record)


def admin() -> Viewer:
    return Viewer(user_id="U0ALEX", admin=AdminScope("T0CRISIS"), rooms=frozenset())


async def test_an_admin_gets_one_page_and_the_count(
    db: SessionFactory, engine: AsyncEngine
) -> None:
    await seed(db)
    with incident_selects(engine) as selects:
        async with db() as session:
            active = await incidents.active_page(session, viewer=admin(), limit=15)
            resolved = await incidents.resolved_page(session, viewer=admin(), limit=5)
    assert [i.title for i in active.shown] == [f"Incident {n}" for n in (0, 1, 2, 4, 5)] + [
        f"Incident {n}" for n in (6, 8, 9, 10, 12, 13, 14, 16, 17, 18)
    ]
    assert active.total == 750 and active.more == 735
    assert [i.title for i in resolved.shown] == [f"Incident {n}" for n in (999, 995, 991, 987, 983)]
    assert resolved.total == 250 and resolved.more == 245
    rows = [s for s in selects if "count(" not in s]
    assert len(rows) == 2 and all("limit" in s for s in rows)
    assert len([s for s in selects if "count(" in s]) == 2


async def test_visibility_is_applied_in_the_query(db: SessionFactory, engine: AsyncEngine) -> None:
    await seed(db)
    rooms = frozenset(room(n) for n in range(0, MANY, 7))
    member = Viewer(user_id="U0DAVID", admin=None, rooms=rooms)
    with incident_selects(engine) as selects:
        async with db() as session:
            active = await incidents.active_page(session, viewer=member, limit=15)
            resolved = await incidents.resolved_page(session, viewer=member, limit=5)
    numbers = range(0, MANY, 7)
    open_rooms = [room(n) for n in numbers if n % 4 != 3]
    closed_rooms = [room(n) for n in reversed(numbers) if n % 4 == 3]
    assert [i.channel_id for i in active.shown] == open_rooms[:15]
    assert active.total == len(open_rooms) == 107
    assert [i.channel_id for i in resolved.shown] == closed_rooms[:5]
    assert resolved.total == len(closed_rooms) == 36
    plain = [s.replace('"', "").replace("incident.", "") for s in selects]
    assert all("channel_id in (select" in s or "channel_id = any" in s for s in plain)
    assert all(len(s) < 1000 for s in plain)  # the rooms are one bound value, not 143


async def test_someone_in_no_war_room_costs_no_query(
    db: SessionFactory, engine: AsyncEngine
) -> None:
    await seed(db, 20)
    nobody = Viewer(user_id="U0MALLORY", admin=None, rooms=frozenset())
    with incident_selects(engine) as selects:
        async with db() as session:
            page = await incidents.active_page(session, viewer=nobody, limit=15)
            exists = await incidents.any_active(session)
    assert page.shown == [] and page.total == 0 and exists
    assert len(selects) == 1 and "limit" in selects[0]  # only any_active's one-row probe


async def test_a_short_page_needs_no_count(db: SessionFactory, engine: AsyncEngine) -> None:
    await seed(db, 8)
    with incident_selects(engine) as selects:
        async with db() as session:
            page = await incidents.active_page(session, viewer=admin(), limit=15)
    assert len(page.shown) == 6 and page.total == 6 and page.more == 0
    assert not [s for s in selects if "count(" in s]


async def test_home_facts_show_a_page_and_how_many_more(db: SessionFactory) -> None:
    await seed(db)
    member = Viewer(user_id="U0DAVID", admin=None, rooms=frozenset({room(1), room(3)}))
    async with db() as session:
        everyone = await home_facts(
            session, viewer=admin(), now=OPENED, policy=load_policy(None), team=NO_TEAM
        )
        few = await home_facts(
            session, viewer=member, now=OPENED, policy=load_policy(None), team=NO_TEAM
        )
    assert len(everyone.active) == MAX_ACTIVE and everyone.more_active == 750 - MAX_ACTIVE
    assert len(everyone.resolved) == MAX_RESOLVED and everyone.more_resolved == 250 - MAX_RESOLVED
    assert [i.channel_id for i in few.active] == [room(1)] and few.more_active == 0
    assert [i.channel_id for i in few.resolved] == [room(3)] and few.more_resolved == 0


async def test_an_admin_sees_their_workspace_and_an_org_admin_their_org(
    db: SessionFactory,
) -> None:
    """Issue 16: a workspace admin oversees that workspace's incidents (and any from before
    workspaces were recorded), a Grid org admin every workspace of the org, nobody another's."""
    homes = {0: ("T0ONE", "E0ORG"), 1: ("T0TWO", "E0ORG"), 2: ("T0ELSE", None), 3: (None, None)}
    async with db.begin() as session:
        for number, (team, org) in homes.items():
            session.add(incident_row(number, team_id=team, enterprise_id=org))
    scopes = {
        "workspace": AdminScope("T0ONE", "E0ORG"),
        "org": AdminScope("T0ONE", "E0ORG", org=True),
        "elsewhere": AdminScope("T0ELSE"),
    }
    seen: dict[str, set[str]] = {}
    for name, scope in scopes.items():
        viewer = Viewer(user_id="U0ADMIN", admin=scope, rooms=frozenset())
        async with db() as session:
            page = await incidents.active_page(session, viewer=viewer, limit=10)
        seen[name] = {incident.title for incident in page.shown}
        assert page.total == len(page.shown)
        assert {i.title for i in page.shown} == {i.title for i in page.shown if viewer.may_see(i)}
    assert seen["workspace"] == {"Incident 0", "Incident 3"}
    assert seen["org"] == {"Incident 0", "Incident 1", "Incident 3"}
    assert seen["elsewhere"] == {"Incident 2", "Incident 3"}

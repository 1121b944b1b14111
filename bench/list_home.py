"""`/crisis list` and the Home tab with many incidents: one page and a count, whatever the number.

Issue 12: with 1,000 open incidents both loaded every incident to show 45 / 15. Now each reads
one page of rows plus a count, with the visibility rule inside the query
(`incidents.active_page` / `resolved_page`, `home.facts.home_facts`). This seeds a fresh
database with 20, then 1,000, then 10,000 incidents (every fourth resolved, each in a war room
of its own) and times, at each size, for an admin (who sees them all) and for a member of every
seventh war room:

- the list: `/crisis list`'s page (`LIST_PAGE` open incidents and their count);
- Home: the facts the Home tab shows (a page of open and of resolved incidents, counts, the
  viewer's roles and approvals);
- the reference, in the same run: reading every incident row, as both did before.

After each growth the tables are analyzed, as PostgreSQL's autovacuum does after such growth
(on a server without it, plans made for 20 incidents stay and read every row: README,
"Deploy"). Printed: milliseconds (median of `--repeat`), each as a ratio to the same reading
at 20 incidents (cost independent of the number: about 1×) and to the reference at the same
size. Checked in the same run: the pages hold what the viewer may see and the counts are
right.

    .venv/bin/python bench/list_home.py [--backend sqlite|postgresql|both] [--repeat 30]
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import tempfile
import time
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from _db import fresh_database, postgres_reachable
from sqlalchemy import text
from sqlmodel import select

from app.approvals.policy import load_policy
from app.home.facts import home_facts
from app.incidents import service as incidents
from app.incidents.models import Incident, Status
from app.incidents.visibility import AdminScope, Viewer
from app.roles.service import NO_TEAM
from app.slack.blocks.home import LIST_PAGE
from app.store.engine import SessionFactory, make_engine, make_session_factory
from app.store.migrate_child import migrate

SIZES = (20, 1_000, 10_000)
OPENED = datetime(2026, 3, 1, 9, 0, tzinfo=UTC)
ADMIN = Viewer(user_id="U0ALEX", admin=AdminScope("T0CRISIS"), rooms=frozenset())
Reading = Callable[[SessionFactory, Viewer], Awaitable[Any]]


def room(number: int) -> str:
    return f"C{number:07d}"


def member(size: int) -> Viewer:
    return Viewer(
        user_id="U0DAVID", admin=None, rooms=frozenset(room(n) for n in range(0, size, 7))
    )


async def grow(db: SessionFactory, start: int, size: int) -> None:
    """Incidents numbered start..size-1, every fourth resolved."""
    async with db.begin() as session:
        for number in range(start, size):
            session.add(
                Incident(
                    title=f"Incident {number}",
                    channel_id=room(number),
                    channel_name=f"crisis-{number}",
                    opened_by="U0MARIA",
                    opened_at=OPENED + timedelta(minutes=number),
                    status=Status.RESOLVED if number % 4 == 3 else Status.INVESTIGATING,
                )
            )


async def listing(db: SessionFactory, viewer: Viewer) -> incidents.Page:
    async with db() as session:
        return await incidents.active_page(session, viewer=viewer, limit=LIST_PAGE)


async def home(db: SessionFactory, viewer: Viewer) -> Any:
    async with db() as session:
        policy = load_policy(None)
        return await home_facts(session, viewer=viewer, now=OPENED, policy=policy, team=NO_TEAM)


async def every_row(db: SessionFactory, _viewer: Viewer) -> list[Incident]:
    async with db() as session:
        return list((await session.exec(select(Incident))).all())


READINGS: dict[str, Reading] = {"list": listing, "Home": home, "every row": every_row}


async def timed(reading: Reading, db: SessionFactory, viewer: Viewer, repeat: int) -> float:
    await reading(db, viewer)  # (warm: statement caches, connections)
    times = []
    for _ in range(repeat):
        began = time.perf_counter()
        await reading(db, viewer)
        times.append((time.perf_counter() - began) * 1000)
    return statistics.median(times)


def check(size: int, viewer: Viewer, page: incidents.Page, problems: list[str]) -> None:
    """The page is the first LIST_PAGE open incidents the viewer may see; the count is all."""
    visible = [
        n for n in range(size) if n % 4 != 3 and (viewer.is_admin or room(n) in viewer.rooms)
    ]
    shown = [incident.channel_id for incident in page.shown]
    if shown != [room(n) for n in visible[:LIST_PAGE]] or page.total != len(visible):
        problems.append(f"{size} incidents, {viewer.user_id}: page or count wrong")


async def measure(url: str, repeat: int, problems: list[str]) -> dict[tuple[str, str, int], float]:
    engine = make_engine(url)
    await migrate(engine, apart=False)
    db = make_session_factory(engine)
    found: dict[tuple[str, str, int], float] = {}
    seeded = 0
    for size in SIZES:
        await grow(db, seeded, size)
        seeded = size
        async with engine.connect() as conn:  # (autovacuum's analyze; SQLite: PRAGMA optimize)
            await conn.execute(text("ANALYZE"))
            await conn.commit()
        for who, viewer in (("admin", ADMIN), ("member", member(size))):
            check(size, viewer, await listing(db, viewer), problems)
            for name, reading in READINGS.items():
                found[(who, name, size)] = await timed(reading, db, viewer, repeat)
    await engine.dispose()
    return found


def report(backend: str, found: dict[tuple[str, str, int], float]) -> None:
    small, *bigger = SIZES
    print(f"\n{backend}: milliseconds, median; ratio to the same at {small} incidents")
    for who in ("admin", "member"):
        print(f"  {who:8} {'':10}" + "".join(f"{size:>18,}" for size in SIZES))
        for name in READINGS:
            cells = [f"{found[(who, name, small)]:18.2f}"]
            for size in bigger:
                ms = found[(who, name, size)]
                cells.append(f"{ms:9.2f} ({ms / found[(who, name, small)]:5.1f}x)")
            print(f"  {'':8} {name:10}" + "".join(cells))
        for size in bigger:
            list_ms, home_ms = found[(who, "list", size)], found[(who, "Home", size)]
            reference = found[(who, "every row", size)]
            print(
                f"  {'':8} at {size:,}: list {list_ms / reference:.2f}x, "
                f"Home {home_ms / reference:.2f}x the reading of every row"
            )


async def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--backend", default="both", choices=("sqlite", "postgresql", "both"))
    parser.add_argument("--repeat", type=int, default=30)
    args = parser.parse_args()
    backends = ["sqlite", "postgresql"] if args.backend == "both" else [args.backend]
    if "postgresql" in backends and not postgres_reachable():
        print("PostgreSQL is not reachable: skipped")
        backends.remove("postgresql")
    problems: list[str] = []
    with tempfile.TemporaryDirectory() as folder:
        for backend in backends:
            async with fresh_database(backend, Path(folder)) as url:
                report(backend, await measure(url, args.repeat, problems))
    for problem in problems:
        print(f"WRONG: {problem}")
    print("checks: " + ("WRONG" if problems else "pages and counts right at every size"))
    return 1 if problems else 0


if __name__ == "__main__":
    raise SystemExit(asyncio.run(main()))

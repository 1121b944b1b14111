"""Issue 16 on an existing single-workspace database, on SQLite and PostgreSQL: migrated to 0020
with rows in it, upgraded to head (every row kept, none with a team yet), then adopted into the
installed workspace, once, with one audit entry; by the service, and by the real app's start."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncEngine

from app.audit.models import AuditEntry
from app.audit.service import trail
from app.clock import FakeClock
from app.flows.workspaces import adopt_teamless_rows
from app.harness import start_harness
from app.library.models import LibraryEntry, LibraryVersion
from app.record.hook import install_record_hook
from app.store.engine import SessionFactory, make_session_factory
from app.store.migrate import upgrade
from app.store.workspace import Workspace
from app.workspaces.adoption import AUDIT_ACTION, adopt_teamless
from tests.conftest import BACKENDS
from tests.databases import POSTGRES_URL, fresh_engine
from tests.record.helpers import content, rows
from tests.storage.workspace_rows import AT, COUNTS, OWNED, at_0020_with_rows, count, teams

GRID = Workspace("T0CRISIS", "E0GRID")
LATER = AT + timedelta(days=50)


@pytest.fixture(params=BACKENDS)
async def old(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[AsyncEngine]:
    """A database written by the release before issue 16."""
    async with fresh_engine(request.param, tmp_path) as engine:
        await at_0020_with_rows(engine)
        yield engine


def hooked(engine: AsyncEngine) -> SessionFactory:
    factory = make_session_factory(engine)
    install_record_hook(factory)  # as create_app does
    return factory


async def adoptions(db: SessionFactory) -> list[AuditEntry]:
    async with db() as session:
        return [entry for entry in await trail(session) if entry.action == AUDIT_ACTION]


async def test_the_upgrade_keeps_every_row_and_gives_none_a_team_yet(old: AsyncEngine) -> None:
    await upgrade(old)
    for name in OWNED:
        assert await teams(old, name) == [(None, None)] * COUNTS[name], name
    assert await count(old, "library_version") == await count(old, "library_approval") == 1
    async with hooked(old)() as session:
        version = await session.get(LibraryVersion, 3)  # still pointing at its entry
    assert version is not None and version.entry_id == 7


async def test_adoption_gives_every_row_the_installed_team_once(old: AsyncEngine) -> None:
    await upgrade(old)
    db = hooked(old)
    async with db.begin() as session:
        adopted = await adopt_teamless(session, team=GRID, by="U0BOT", at=LATER)
    assert adopted == COUNTS
    for name in OWNED:
        assert await teams(old, name) == [("T0CRISIS", "E0GRID")] * COUNTS[name], name
    [entry] = await adoptions(db)
    assert (entry.actor, entry.at, entry.incident_id) == ("U0BOT", LATER, None)
    assert entry.detail == {"team_id": "T0CRISIS", "enterprise_id": "E0GRID", "adopted": COUNTS}
    # the open incident's legal record says so too (the resolved one is closed)
    [recorded] = [content(r) for r in await rows(db, 1) if content(r)["action"] == AUDIT_ACTION]
    assert recorded["detail"]["adopted"] == COUNTS
    assert not [r for r in await rows(db, 2) if content(r).get("action") == AUDIT_ACTION]

    async with db.begin() as session:
        again = await adopt_teamless(session, team=Workspace("T0OTHER"), by="U0BOT", at=LATER)
    assert again == {}
    assert len(await adoptions(db)) == 1
    assert await teams(old, "incident") == [("T0CRISIS", "E0GRID")] * 2


async def test_a_library_key_is_unique_within_a_team_only(old: AsyncEngine) -> None:
    await upgrade(old)
    db = hooked(old)
    async with db.begin() as session:
        await adopt_teamless(session, team=GRID, by="U0BOT", at=LATER)

    def entry(team: str) -> LibraryEntry:
        return LibraryEntry(
            key="apology-long-wait",
            kind="service_failure_viral",
            audience="public",
            created_by="U0LISA",
            created_at=LATER,
            team_id=team,
        )

    async with db.begin() as session:
        session.add(entry("T0OTHER"))  # another workspace may use the same key
    with pytest.raises(IntegrityError):
        async with db.begin() as session:
            session.add(entry("T0CRISIS"))
    assert await count(old, "library_entry") == 2


async def test_the_app_adopts_old_rows_at_start(
    old: AsyncEngine, tmp_path: Path, clock: FakeClock
) -> None:
    sqlite = old.dialect.name == "sqlite"
    url = f"sqlite:///{tmp_path / 'crisis.db'}" if sqlite else POSTGRES_URL
    harness = await start_harness(
        database_url=url, clock=clock, session_factory=make_session_factory(old)
    )
    try:
        for name in OWNED:  # the double's auth.test names T0CRISIS, no Grid org
            rows = await teams(old, name)  # (the outbox gains the old incidents' topics after)
            assert set(rows) == {("T0CRISIS", None)} and len(rows) >= COUNTS[name], name
        [entry] = await adoptions(harness.db)
        assert entry.detail["adopted"] == COUNTS
        assert entry.actor == harness.room.deps.slack.bot_user_id
        assert await adopt_teamless_rows(harness.room.deps) == {}  # the next start's
        assert len(await adoptions(harness.db)) == 1
    finally:
        await harness.stop()

from datetime import UTC, datetime, timedelta, timezone

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine
from sqlmodel import SQLModel

import app.models  # noqa: F401
from app.incidents import service as incidents
from app.store.engine import SessionFactory
from app.store.migrate import upgrade
from tests.factories import stored_incident


async def test_migrations_build_exactly_the_models(engine: AsyncEngine) -> None:
    def diff(connection):  # type: ignore[no-untyped-def]
        context = MigrationContext.configure(connection, opts={"compare_type": False})
        return compare_metadata(context, SQLModel.metadata)

    async with engine.connect() as connection:
        assert await connection.run_sync(diff) == []


async def test_upgrade_twice_is_harmless(engine: AsyncEngine) -> None:
    await upgrade(engine)
    async with engine.connect() as connection:
        version = (await connection.execute(text("select version_num from alembic_version"))).all()
    assert len(version) == 1


async def test_times_come_back_aware_and_in_utc(db: SessionFactory) -> None:
    opened = datetime(2026, 11, 21, 9, 30, tzinfo=timezone(timedelta(hours=-5)))
    incident_id = (await stored_incident(db, at=opened)).id
    async with db() as session:
        loaded = await incidents.get(session, incident_id or 0)
    assert loaded is not None
    assert loaded.opened_at == opened and loaded.opened_at.tzinfo == UTC
    assert loaded.next_update_due == opened + timedelta(minutes=30)
    assert loaded.ref == f"INC-{incident_id}"

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from app.clock import FakeClock
from app.record.hook import install_record_hook
from app.store.engine import SessionFactory, make_session_factory
from app.store.migrate import upgrade
from tests.databases import fresh_engine, postgres_available

BACKENDS = [
    "sqlite",
    pytest.param(
        "postgresql",
        marks=pytest.mark.skipif(
            not postgres_available(), reason="PostgreSQL is not listening on 127.0.0.1:5432"
        ),
    ),
]


@pytest.fixture(params=BACKENDS)
async def engine(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[AsyncEngine]:
    async with fresh_engine(request.param, tmp_path) as created:
        await upgrade(created)
        yield created


@pytest.fixture
def db(engine: AsyncEngine) -> SessionFactory:
    factory = make_session_factory(engine)
    install_record_hook(factory)  # as create_app does: audit rows land in the legal record
    return factory


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()

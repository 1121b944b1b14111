from __future__ import annotations

import pytest

from app.clock import FakeClock
from app.incidents import service as incidents
from app.incidents.models import Kind, Severity
from app.store.engine import SessionFactory
from tests.approvals.helpers import MARIA


@pytest.fixture
async def incident_id(db: SessionFactory, clock: FakeClock) -> int:
    async with db.begin() as session:
        incident = await incidents.create(
            session,
            title="Customer-service video going viral",
            severity=Severity.SEV1,
            kind=Kind.CRISIS,
            summary="",
            channel_id="C0WAR",
            channel_name="crisis-20261121-video",
            opened_by=MARIA,
            opened_at=clock.now(),
            cadence_seconds=1800,
        )
    assert incident.id is not None
    return incident.id

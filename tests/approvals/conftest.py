from __future__ import annotations

import pytest

from app.clock import FakeClock
from app.store.engine import SessionFactory
from tests.approvals.helpers import MARIA
from tests.factories import stored_incident


@pytest.fixture
async def incident_id(db: SessionFactory, clock: FakeClock) -> int:
    incident = await stored_incident(db, at=clock.now(), opened_by=MARIA)
    assert incident.id is not None
    return incident.id

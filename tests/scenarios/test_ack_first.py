"""No work before ack(): the update form is answered from what it carries, and who may resolve
is checked again, after the ack, by the flow."""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta
from typing import Any

from sqlalchemy import event

from app.harness import Harness
from app.harness.seed import ALEX, MARIA, ROBERT, SARAH
from app.slack import ids
from tests.scenarios.approvals_helpers import open_seed_incident
from tests.scenarios.conftest import crisis
from tests.updates.steps import fresh

CHANGED = {ids.UPDATE_CHANGED: "Sentiment is recovering."}


@contextmanager
def statements(harness: Harness) -> Iterator[list[str]]:
    """Every SQL statement the bot runs meanwhile (SQLAlchemy's engine events)."""
    seen: list[str] = []

    def note(_conn: Any, _cursor: Any, statement: str, *_: Any) -> None:
        seen.append(statement)

    engine = harness.room.engine.sync_engine
    event.listen(engine, "before_cursor_execute", note)
    try:
        yield seen
    finally:
        event.remove(engine, "before_cursor_execute", note)


async def test_a_refused_resolve_is_answered_without_the_database_or_slack(
    harness: Harness,
) -> None:
    incident = await open_seed_incident(harness)
    await crisis(harness, SARAH.id, "update", channel=incident.channel_id)
    harness.clock.advance(timedelta(hours=1))  # type: ignore[attr-defined]  # cache expired
    harness.double.fail_next("users.info", "fatal_error")  # a look-up now would fail
    calls = len(harness.double.calls)
    with statements(harness) as seen:
        response = await harness.driver.submit_view(
            SARAH.id, {ids.UPDATE_STATUS: "resolved", **CHANGED}
        )
        await harness.settle()
    assert response.status == 200
    assert set(json.loads(response.text)["errors"]) == {ids.UPDATE_STATUS}
    listener_sql = [sql for sql in seen if "slack_request_seen" not in sql]  # not the replay guard
    assert listener_sql == [] and len(harness.double.calls) == calls
    assert (await fresh(harness, incident)).status == "investigating"


async def test_a_steward_who_lost_the_role_is_refused_after_the_ack(harness: Harness) -> None:
    incident = await open_seed_incident(harness)
    await crisis(harness, ROBERT.id, "update", channel=incident.channel_id)  # exec: may resolve
    await crisis(harness, ALEX.id, f"role remove exec <@{ROBERT.id}>")
    response = await harness.driver.submit_view(
        ROBERT.id, {ids.UPDATE_STATUS: "resolved", **CHANGED}
    )
    await harness.settle()
    assert response.status == 200 and "errors" not in response.text  # the form closed
    assert (await fresh(harness, incident)).status == "investigating"
    told = [message.text for message in harness.double.dms(ROBERT.id)]
    assert any("Only the incident lead" in text for text in told), told


async def test_a_steward_resolves_from_the_form(harness: Harness) -> None:
    incident = await open_seed_incident(harness)
    await crisis(harness, MARIA.id, "update", channel=incident.channel_id)
    response = await harness.driver.submit_view(
        MARIA.id, {ids.UPDATE_STATUS: "resolved", **CHANGED}
    )
    await harness.settle()
    assert response.status == 200 and "errors" not in response.text
    assert (await fresh(harness, incident)).status == "resolved"

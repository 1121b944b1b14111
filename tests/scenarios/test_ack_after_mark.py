"""A command or click is acknowledged while its replay mark is written; nothing after the ack
runs until the mark is known to be a first use, and Bolt runs nothing the gate did not pass."""

from __future__ import annotations

import asyncio
import logging
from pathlib import Path
from typing import Any

import pytest
from slack_bolt.request.async_request import AsyncBoltRequest
from sqlalchemy import func, text
from sqlmodel import select

from app.harness import Harness
from app.harness.seed import MARIA
from app.incidents.models import Incident
from app.requests.models import SeenRequest
from tests.conftest import BACKENDS
from tests.databases import harness_on
from tests.scenarios.conftest import last_private

STILL = 0.1  # seconds the bot is given to do what it must not do


async def count(harness: Harness, model: Any) -> int:
    async with harness.db() as session:
        return int((await session.exec(select(func.count()).select_from(model))).one())


async def test_a_command_is_acknowledged_before_its_mark_is_written(harness: Harness) -> None:
    calls = len(harness.double.calls)
    async with harness.room.deps.db.turns():  # SQLite's write turn held: no mark can be written
        response = await harness.driver.command(
            MARIA.id, "open Held at the door", channel_id=harness.general
        )
        assert (response.status, response.text) == (200, "")  # answered with the mark pending
        await asyncio.sleep(STILL)
        assert harness.double.calls[calls:] == []  # the listener waits for its mark
        assert await count(harness, SeenRequest) == 0
        assert not harness.room.idle
    await harness.settle()
    assert await count(harness, Incident) == 1  # the mark is written: the command ran
    assert await count(harness, SeenRequest) == 1


async def test_a_replay_that_arrives_before_the_mark_is_written_runs_nothing(
    harness: Harness, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.WARNING):
        async with harness.room.deps.db.turns():
            first = await harness.driver.command(
                MARIA.id, "open Twice at the door", channel_id=harness.general
            )
            assert first.sent is not None
            replay = await harness.driver.resend(first.sent)
            assert (first.status, replay.status) == (200, 200)
        await harness.settle()
    assert await count(harness, Incident) == 1
    opened = [c for c in harness.double.calls if c.method == "conversations.create"]
    assert len(opened) == 1
    replays = [r.getMessage() for r in caplog.records if "replayed" in r.getMessage()]
    assert replays == ["a replayed /crisis 'open' was acknowledged and ran nothing"]


async def test_bolt_refuses_an_http_request_that_did_not_pass_the_gate(harness: Harness) -> None:
    """Bolt's own signature check is off: a request handed to Bolt any other way than through
    app/web.py's gate gets 401, even correctly signed, and runs nothing."""
    signed = await harness.driver.command(MARIA.id, "help", channel_id=harness.general)
    assert signed.sent is not None and signed.status == 200
    await harness.settle()
    assert len(harness.double.ephemerals(MARIA.id)) == 1  # the help, through the gate
    again = AsyncBoltRequest(body=signed.sent.body, headers=dict(signed.sent.headers))
    response = await harness.room.bolt.async_dispatch(again)
    await harness.settle()
    assert response.status == 401
    assert len(harness.double.ephemerals(MARIA.id)) == 1  # no second help


async def test_a_command_whose_text_says_payload_is_read_once_and_runs(harness: Harness) -> None:
    """Bolt's own parser takes any form body containing "payload" for an interaction (and
    would hand the listener an empty body); the gate's one parse reads it as the command."""
    response = await harness.driver.command(
        MARIA.id, "open Customer payload leak", channel_id=harness.general
    )
    await harness.settle()
    assert response.status == 200
    async with harness.db() as session:
        titles = (await session.exec(select(Incident.title))).all()
    assert titles == ["Customer payload leak"]


REFUSE_MARKS = {
    "sqlite": [
        "CREATE TRIGGER disk_full BEFORE INSERT ON slack_request_seen "
        "BEGIN SELECT RAISE(ABORT, 'database or disk is full'); END"
    ],
    "postgresql": [
        "CREATE FUNCTION disk_full() RETURNS trigger AS $$ BEGIN "
        "RAISE EXCEPTION 'could not extend file: No space left on device'; END $$ LANGUAGE plpgsql",
        "CREATE TRIGGER disk_full BEFORE INSERT ON slack_request_seen "
        "FOR EACH ROW EXECUTE FUNCTION disk_full()",
    ],
}


@pytest.mark.parametrize("backend", BACKENDS)
async def test_a_mark_that_cannot_be_written_runs_nothing_and_says_why(
    backend: str, tmp_path: Path
) -> None:
    """Acknowledged before its mark was refused: the command runs nothing (it might be a
    replay) and the person is told the database could not take it."""
    async with harness_on(backend, tmp_path) as harness:
        async with harness.db.begin() as session:
            conn = await session.connection()
            for statement in REFUSE_MARKS[backend]:
                await conn.execute(text(statement))
        response = await harness.driver.command(
            MARIA.id, "open Never opened", channel_id=harness.general
        )
        await harness.settle()
        assert response.status == 200
        assert await count(harness, Incident) == 0
        assert [c.method for c in harness.double.calls_to("conversations.create")] == []
        line = last_private(harness, MARIA.id)
        assert "That could not be saved: the database is full" in line, line

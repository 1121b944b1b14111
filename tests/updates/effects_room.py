"""A bot process that gives up on Slack quickly, for the lost-answer tests (tests/faults/
test_effects_*.py): the double's `late` fault then answers after the client stopped waiting."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

from app.clock import FakeClock
from app.errors import SlackFailure
from app.harness import Harness
from app.main import CrisisRoom, create_app
from app.slack.gateway_core import make_client
from app.slackdouble.workspace import Message
from app.store.engine import make_session_factory
from tests.databases import harness_on

CLIENT_TIMEOUT = 0.3  # seconds the impatient process waits for Slack
LATE = 0.6  # seconds a `late` answer takes: after the client gave up
START_TRIES = 5


@asynccontextmanager
async def impatient(harness: Harness) -> AsyncIterator[CrisisRoom]:
    """A second bot process on the harness's database and Slack whose Web API client times out
    after CLIENT_TIMEOUT (its retries as in production)."""
    token = harness.settings.slack_bot_token.get_secret_value()
    client = make_client(token=token, base_url=harness.double.api_url)
    client.timeout = CLIENT_TIMEOUT  # type: ignore[assignment]  (slack-sdk says int)
    room = create_app(
        harness.settings,
        client=client,
        clock=harness.clock,
        session_factory=make_session_factory(harness.db.engine),
    )
    for attempt in range(START_TRIES):  # its auth.test at start may outlast 0.3 s on a busy
        try:  # machine; what these tests look at comes after
            await room.start()
            break
        except SlackFailure:
            if attempt == START_TRIES - 1:
                raise
    try:
        yield room
    finally:
        await room.stop()


@asynccontextmanager
async def effects_bot(
    backend: str, tmp_path: Path, clock: FakeClock, **options: Any
) -> AsyncIterator[tuple[Harness, CrisisRoom]]:
    """The harness on `backend` (its Slack's clock is the bot's), and an impatient process."""
    async with harness_on(backend, tmp_path, clock=clock, **options) as harness:
        harness.double.ws.wall = lambda: clock.now().timestamp()  # one clock for bot and Slack
        async with impatient(harness) as room:
            yield harness, room


def carrying(messages: list[Message], effect: str) -> list[Message]:
    """The messages whose metadata names `effect`."""
    return [
        m
        for m in messages
        if m.metadata is not None and m.metadata["event_payload"].get("effect") == effect
    ]

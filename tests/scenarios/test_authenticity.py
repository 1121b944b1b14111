"""Every request at POST /slack/events is signed, well-formed and new, or it runs nothing."""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import json
import logging
import time
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest
from aiohttp import web
from sqlalchemy import func
from sqlmodel import select

from app.approvals.models import Action
from app.harness import Harness
from app.harness.seed import MARIA
from app.incidents.models import Incident
from app.main import CrisisRoom, create_app
from app.requests.gate import RequestGate, Verdict
from app.requests.models import SeenRequest
from app.requests.replay import ReplayGuard, signature_key
from app.requests.wallclock import SteppedClock
from app.slack import ids
from app.slack.listeners.stored_first import STORED_EVENTS
from app.slackdouble import SlackDriver
from app.store.engine import SessionFactory
from app.web import EVENTS_PATH, web_app
from tests.record.scenario import open_war_room, record_of
from tests.scenarios.approvals_helpers import open_seed_incident
from tests.scenarios.conftest import crisis
from tests.scenarios.test_serve import serve, serve_env

FORM = "application/x-www-form-urlencoded"
JSON = "application/json"


async def count(harness: Harness, model: Any) -> int:
    async with harness.db() as session:
        return int((await session.exec(select(func.count()).select_from(model))).one())


def warnings_about_replays(caplog: pytest.LogCaptureFixture) -> list[logging.LogRecord]:
    return [r for r in caplog.records if "replayed" in r.getMessage()]


async def test_an_unsigned_request_gets_401_and_touches_nothing(harness: Harness) -> None:
    calls = len(harness.double.calls)  # (auth.test, at start)
    body = f"command=%2Fcrisis&text=open+Forged&user_id={MARIA.id}&channel_id={harness.general}"
    unsigned = await harness.driver.post_raw(body, signature="v0=" + "0" * 64)
    no_headers = SlackDriver(harness.double, harness.driver.bot_url, "not-the-secret")
    try:
        wrong_secret = await no_headers.post_raw(body)
    finally:
        await no_headers.close()
    bad_stamp = await harness.driver.post_raw(body, headers={"X-Slack-Request-Timestamp": "soon"})
    old = int(time.time()) - 6 * 60
    stale = await harness.driver.post_raw(
        body, timestamp=old, signature=harness.driver.sign(body, old)
    )
    statuses = (unsigned.status, wrong_secret.status, bad_stamp.status, stale.status)
    assert statuses == (401, 401, 401, 401)
    await harness.settle()
    assert harness.double.calls[calls:] == []  # no listener ran: nothing said to Slack
    assert await count(harness, Incident) == 0
    assert await count(harness, SeenRequest) == 0  # unsigned junk never reaches the database


async def test_a_replayed_command_is_acknowledged_and_runs_nothing(
    harness: Harness, caplog: pytest.LogCaptureFixture
) -> None:
    first = await harness.driver.command(
        MARIA.id, "open Secret merger leak", channel_id=harness.general
    )
    await harness.settle()
    assert first.status == 200 and first.sent is not None
    calls = len(harness.double.calls)
    with caplog.at_level(logging.WARNING):
        replay = await harness.driver.resend(first.sent)
        await harness.settle()
    assert (replay.status, replay.text) == (200, "")
    assert harness.double.calls[calls:] == []  # not a word to Slack: no reply, no channel
    assert await count(harness, Incident) == 1
    [warning] = warnings_about_replays(caplog)
    assert warning.getMessage() == "a replayed /crisis 'open' was acknowledged and ran nothing"
    assert warning.levelno == logging.WARNING and "merger" not in warning.getMessage()


async def test_a_replayed_submission_proposes_one_action(harness: Harness) -> None:
    incident = await open_seed_incident(harness)
    await crisis(harness, MARIA.id, "propose Refund every order", channel=incident.channel_id)
    values = {ids.PROPOSE_DETAILS: "Full refunds this week.", ids.PROPOSE_CATEGORY: "internal"}
    submitted = await harness.driver.submit_view(MARIA.id, values)
    await harness.settle()
    assert submitted.status == 200 and submitted.sent is not None
    calls = len(harness.double.calls)
    replay = await harness.driver.resend(submitted.sent)
    await harness.settle()
    assert replay.status == 200
    assert harness.double.calls[calls:] == []  # no second card, no DM
    assert await count(harness, Action) == 1


async def test_a_replayed_event_is_acknowledged_but_recorded_once(
    harness: Harness, caplog: pytest.LogCaptureFixture
) -> None:
    incident = await open_war_room(harness)
    harness.driver.stop_forwarding()
    event = {
        "type": "message",
        "channel": incident.channel_id,
        "user": MARIA.id,
        "text": "Do not forward this outside the room",
        "ts": "1795000000.000100",
        "channel_type": "group",
    }
    first = await harness.driver.event(event, event_id="Ev0REPLAY")
    await harness.settle()
    assert first.sent is not None
    with caplog.at_level(logging.WARNING):
        replay = await harness.driver.resend(first.sent)
    signed_at = first.sent.headers["X-Slack-Request-Timestamp"]
    assert [r.getMessage() for r in warnings_about_replays(caplog)] == [
        f"a replayed Slack message event signed at {signed_at} ran again and stored nothing new"
    ]
    retry = await harness.driver.event(event, event_id="Ev0REPLAY", retry_num=1)
    await harness.settle()
    assert (first.status, replay.status, retry.status) == (200, 200, 200)  # Slack stops
    rows = await record_of(harness, incident.id or 0)
    stored = [r for r in rows if r["body"].get("message", {}).get("ts") == event["ts"]]
    assert len(stored) == 1


@pytest.fixture
async def replica(harness: Harness) -> AsyncIterator[tuple[SlackDriver, CrisisRoom]]:
    """A second bot process on the same database, behind its own HTTP port."""
    room = create_app(harness.settings, clock=harness.clock)
    await room.start()
    runner = web.AppRunner(web_app(room), access_log=None)
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", 0).start()
    host, port = runner.addresses[0][:2]
    driver = SlackDriver(harness.double, f"http://{host}:{port}{EVENTS_PATH}", "unused")
    try:
        yield driver, room
    finally:
        await driver.close()
        await runner.cleanup()
        await room.stop()


async def test_a_replay_sent_to_another_replica_runs_nothing_there(
    harness: Harness, replica: tuple[SlackDriver, CrisisRoom]
) -> None:
    other, room = replica
    first = await harness.driver.command(MARIA.id, "open Two doors", channel_id=harness.general)
    await harness.settle()
    assert first.sent is not None
    calls = len(harness.double.calls)
    replay = await other.resend(first.sent)
    await harness.until(lambda: room.idle)  # the replica's listener has ended
    assert (first.status, replay.status) == (200, 200)
    assert harness.double.calls[calls:] == []
    assert await count(harness, Incident) == 1


MALFORMED = [
    pytest.param("{not json", JSON, id="json-that-does-not-parse"),
    pytest.param("[1, 2]", JSON, id="json-not-an-object"),
    pytest.param('{"type": 5}', JSON, id="json-type-not-a-string"),
    pytest.param("text=hi&user_id=U0MARIA", FORM, id="form-without-payload-or-command"),
    pytest.param("payload=%7Bnope", FORM, id="payload-not-json"),
    pytest.param("payload=%22block_actions%22", FORM, id="payload-a-string"),
    pytest.param("payload=%7B%22user%22%3A1%7D", FORM, id="payload-without-type"),
    pytest.param("command=%2Fcrisis&text=help", "text/plain", id="wrong-content-type"),
    pytest.param('{"type": "event_callback", "event": "x"}', JSON, id="event-not-an-object"),
    pytest.param(
        "payload=" + quote('{"type": "block_actions", "actions": "x"}'), FORM, id="no-user"
    ),
    pytest.param("command=%2Fcrisis&text=open+X", FORM, id="command-without-user-or-channel"),
]


@pytest.mark.parametrize(("body", "content_type"), MALFORMED)
async def test_a_malformed_request_gets_400_and_no_error_log(
    harness: Harness, caplog: pytest.LogCaptureFixture, body: str, content_type: str
) -> None:
    with caplog.at_level(logging.DEBUG):
        response = await harness.driver.post_raw(body, content_type=content_type)
        await harness.settle()
    assert response.status == 400, response.text
    assert response.json() == {"error": "malformed request"}
    assert [r for r in caplog.records if r.levelno >= logging.ERROR] == []
    assert await count(harness, SeenRequest) == 0


async def test_unsigned_and_malformed_is_401_first(harness: Harness) -> None:
    response = await harness.driver.post_raw("{not json", content_type=JSON, signature="v0=00")
    assert response.status == 401


async def test_an_ssl_check_runs_nothing(harness: Harness) -> None:
    response = await harness.driver.post_raw("ssl_check=1&token=x", signature="v0=00")
    assert response.status == 200 and response.text == ""
    assert await count(harness, SeenRequest) == 0


# -- the replay memory itself, on SQLite and PostgreSQL ---------------------------------------
async def test_a_signature_is_new_once(db: SessionFactory) -> None:
    guard = ReplayGuard(db=db, clock=SteppedClock())
    signed_at = int(guard.clock.now())
    assert await guard.first_use(signature="v0=aa", signed_at=signed_at) is True
    assert await guard.first_use(signature="v0=aa", signed_at=signed_at) is False
    assert await guard.first_use(signature="v0=bb", signed_at=signed_at) is True
    async with db() as session:
        keys = set((await session.exec(select(SeenRequest.signature_sha256))).all())
    assert keys == {signature_key("v0=aa"), signature_key("v0=bb")}
    assert "v0=aa" not in keys  # only the hash is kept


async def test_signatures_are_forgotten_once_their_window_closes(db: SessionFactory) -> None:
    clock = SteppedClock(start=time.time())
    guard = ReplayGuard(db=db, clock=clock)
    old = int(clock.now())
    await guard.first_use(signature="v0=old", signed_at=old)
    clock.advance(30)
    await guard.first_use(signature="v0=new", signed_at=int(clock.now()))  # no prune yet
    async with db() as session:
        assert len((await session.exec(select(SeenRequest))).all()) == 2
    clock.advance(5 * 60 - 29)  # the old one's window has closed; a minute since last prune
    await guard.first_use(signature="v0=later", signed_at=int(clock.now()))
    async with db() as session:
        kept = {row.signature_sha256 for row in (await session.exec(select(SeenRequest))).all()}
    assert signature_key("v0=old") not in kept
    assert {signature_key("v0=new"), signature_key("v0=later")} <= kept


async def test_the_same_signature_at_the_same_moment_wins_once(db: SessionFactory) -> None:
    first, second = (
        ReplayGuard(db=db, clock=SteppedClock()),
        ReplayGuard(db=db, clock=SteppedClock()),
    )
    signed_at = int(first.clock.now())
    results = await asyncio.gather(
        first.first_use(signature="v0=race", signed_at=signed_at),
        second.first_use(signature="v0=race", signed_at=signed_at),
    )
    assert sorted(results) == [False, True]


async def test_http_mode_will_not_start_with_an_empty_signing_secret(tmp_path: Path) -> None:
    env = serve_env(tmp_path, "http://127.0.0.1:9/api/", SLACK_SIGNING_SECRET="")
    process = await serve(env, tmp_path)
    _, err = await asyncio.wait_for(process.communicate(), timeout=60)
    assert process.returncode == 2
    assert err.decode().strip().splitlines()[-1] == (
        "crisisroom: SLACK_SIGNING_SECRET is required unless SLACK_APP_TOKEN is set"
    )


async def test_only_events_the_record_deduplicates_run_before_their_replay_mark(
    db: SessionFactory,
) -> None:
    """A message event runs while its mark is written (storing it twice stores it once); any
    other event waits for its mark, and a replay of it runs nothing."""
    guard = ReplayGuard(db=db, clock=SteppedClock())
    gate = RequestGate(signing_secret="s3cret", replays=guard, idempotent_events=STORED_EVENTS)

    async def check(event_type: str) -> Verdict:
        body = json.dumps({"type": "event_callback", "event": {"type": event_type}})
        at = str(int(guard.clock.now()))
        headers = {"X-Slack-Request-Timestamp": at, "X-Slack-Signature": _sign(body, at)}
        return await gate.check(body.encode(), headers, JSON)

    message = await check("message")
    assert message.status == 0 and message.marked is not None and await message.marked
    again = await check("message")
    assert again.status == 0 and again.marked is not None and not await again.marked
    first, replay = await check("app_uninstalled"), await check("app_uninstalled")
    assert (first.status, first.marked) == (0, None)
    assert (replay.status, replay.marked) == (200, None)  # acknowledged, runs nothing


async def test_a_command_is_handed_on_parsed_with_its_mark_still_being_written(
    db: SessionFactory,
) -> None:
    guard = ReplayGuard(db=db, clock=SteppedClock())
    gate = RequestGate(signing_secret="s3cret", replays=guard)
    body = f"command=%2Fcrisis&text=open+Leak&user_id={MARIA.id}&channel_id=C0GENERAL"
    at = str(int(guard.clock.now()))
    headers = {"X-Slack-Request-Timestamp": at, "X-Slack-Signature": _sign(body, at)}
    first = await gate.check(body.encode(), headers, FORM)
    assert (first.status, first.marked, first.text) == (0, None, body)
    assert first.body == {
        "command": "/crisis",
        "text": "open Leak",
        "user_id": MARIA.id,
        "channel_id": "C0GENERAL",
    }
    replay = await gate.check(body.encode(), headers, FORM)
    assert replay.status == 0  # acknowledged too: its listener's ack() then stops it
    assert first.mark is not None and replay.mark is not None
    assert (await first.mark, await replay.mark) == (True, False)


def _sign(body: str, timestamp: str) -> str:
    base = f"v0:{timestamp}:{body}".encode()
    return "v0=" + hmac.new(b"s3cret", base, hashlib.sha256).hexdigest()

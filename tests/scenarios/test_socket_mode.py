"""Socket Mode for real: the bot on the double's WebSocket link, and no HTTP door to Bolt."""

from __future__ import annotations

import asyncio
import signal
from collections.abc import AsyncIterator
from pathlib import Path

import aiohttp
import pytest
from sqlmodel import select

from app.approvals.models import Approval
from app.clock import FakeClock
from app.harness import APP_TOKEN, BOT_TOKEN, SIGNING_SECRET, Harness, start_harness
from app.harness.seed import DAVID, MARIA
from app.incidents.models import Incident
from app.roles.models import Role
from app.slack import ids
from app.slackdouble import SlackDouble, SlackDriver
from app.web import EVENTS_PATH
from tests.record.scenario import open_war_room, record_of, said, settle_all
from tests.scenarios.approvals_helpers import click, open_seed_incident, propose, state
from tests.scenarios.conftest import crisis
from tests.scenarios.test_serve import serve, serve_env, wait_healthy


@pytest.fixture
async def harness(tmp_path: Path, clock: FakeClock) -> AsyncIterator[Harness]:
    running = await start_harness(
        database_url=f"sqlite:///{tmp_path / 'crisis.db'}", clock=clock, socket_mode=True
    )
    try:
        yield running
    finally:
        await running.stop()


async def incidents(harness: Harness) -> list[Incident]:
    async with harness.db() as session:
        return list((await session.exec(select(Incident))).all())


async def test_crisis_open_over_socket_mode_creates_the_war_room(harness: Harness) -> None:
    await crisis(harness, MARIA.id, "open Viral video over the socket")
    [incident] = await incidents(harness)
    assert harness.double.channel(incident.channel_id).is_private
    assert MARIA.id in harness.double.channel(incident.channel_id).members
    [envelope] = harness.double.socket_mode.sent
    assert envelope["type"] == "slash_commands"
    assert envelope["payload"]["text"] == "open Viral video over the socket"
    assert envelope["envelope_id"] in harness.double.socket_mode.acks


async def test_a_submission_and_a_click_over_socket_mode(harness: Harness) -> None:
    incident = await open_seed_incident(harness)
    action = await propose(
        harness,
        MARIA.id,
        incident,
        title="Pause paid social",
        details="Pause all paid social for 48 hours.",
        category="customer_remedy",
    )
    await click(harness, DAVID.id, action.id, ids.APPROVE, role=Role.LEGAL)
    async with harness.db() as session:
        decided = (await session.exec(select(Approval).where(Approval.state != "pending"))).all()
    assert [(a.role, a.state, a.decided_by) for a in decided] == [
        (Role.LEGAL, "approved", DAVID.id)
    ]
    assert await state(harness, action.id) == "pending"  # exec has not decided yet
    kinds = [e["payload"].get("type") for e in harness.double.socket_mode.sent]
    assert "view_submission" in kinds and "block_actions" in kinds


async def test_a_form_error_travels_back_in_the_ack_payload(harness: Harness) -> None:
    await crisis(harness, MARIA.id, "open")  # no title: the open form
    [form] = harness.double.open_views(MARIA.id)
    refused = await harness.driver.submit_view(MARIA.id, {ids.OPEN_TITLE: "  "})
    ack = harness.double.socket_mode.acks[refused.headers["X-Envelope-Id"]]
    assert ack.payload is not None and ack.payload["response_action"] == "errors"
    assert ids.OPEN_TITLE in ack.payload["errors"]
    assert [v["id"] for v in harness.double.open_views(MARIA.id)] == [form["id"]]  # still open
    await harness.driver.submit_view(MARIA.id, {ids.OPEN_TITLE: "Recall rumour"})
    await harness.settle()
    assert harness.double.open_views(MARIA.id) == []
    assert [i.title for i in await incidents(harness)] == ["Recall rumour"]


async def test_a_message_in_the_war_room_reaches_the_legal_record(harness: Harness) -> None:
    incident = await open_war_room(harness)
    ts = harness.double.post_as(MARIA.id, incident.channel_id, "Holding statement is ready")
    await settle_all(harness)
    rows = await record_of(harness, incident.id or 0)
    assert [said(r) for r in rows if r["body"].get("message", {}).get("ts") == ts] == [
        "Holding statement is ready"
    ]
    events = [e for e in harness.double.socket_mode.sent if e["type"] == "events_api"]
    assert events and all(e["envelope_id"] in harness.double.socket_mode.acks for e in events)


@pytest.mark.parametrize("reason", ["refresh_requested", "link_disabled"])
async def test_after_a_disconnect_the_bot_reconnects_and_keeps_working(
    harness: Harness, reason: str
) -> None:
    sockets = harness.double.socket_mode
    opened = sockets.opened
    assert await sockets.disconnect(reason) == 1
    await sockets.wait_connected(timeout=10)
    assert sockets.opened > opened  # a fresh apps.connections.open for the new link
    await crisis(harness, MARIA.id, "open After the reconnect")
    assert [i.title for i in await incidents(harness)] == ["After the reconnect"]


async def test_in_socket_mode_http_serves_only_healthz(harness: Harness) -> None:
    signed = SlackDriver(harness.double, harness.http_url + EVENTS_PATH, SIGNING_SECRET)
    try:
        body = f"command=%2Fcrisis&text=open+Backdoor&user_id={MARIA.id}&channel_id=C0X"
        response = await signed.post_raw(body)
        assert response.status == 404
    finally:
        await signed.close()
    async with aiohttp.ClientSession() as http:
        async with http.get(harness.http_url + "/healthz") as health:
            assert health.status == 200
        async with http.get(harness.http_url + EVENTS_PATH) as other:
            assert other.status == 404
    assert await incidents(harness) == []


async def test_serve_in_socket_mode_connects_and_stops_cleanly(tmp_path: Path) -> None:
    async with SlackDouble(token=BOT_TOKEN, app_token=APP_TOKEN) as double:
        env = serve_env(tmp_path, double.api_url, SLACK_APP_TOKEN=APP_TOKEN)
        del env["SLACK_SIGNING_SECRET"]
        process = await serve(env, tmp_path)
        base = f"http://127.0.0.1:{env['PORT']}"
        try:
            assert await wait_healthy(base + "/healthz", process) == 200
            await double.socket_mode.wait_connected(timeout=30)
            async with aiohttp.ClientSession() as http, http.post(base + EVENTS_PATH) as r:
                assert r.status == 404
        finally:
            process.send_signal(signal.SIGTERM)
            _, err = await asyncio.wait_for(process.communicate(), timeout=30)
    assert process.returncode == 0, err.decode()
    assert APP_TOKEN.encode() not in err


@pytest.mark.parametrize("revoked", [True, False])
async def test_serve_with_a_refused_app_token_says_so_in_one_line_and_exits_2(
    tmp_path: Path, revoked: bool
) -> None:
    async with SlackDouble(token=BOT_TOKEN, app_token=APP_TOKEN) as double:
        if revoked:
            double.socket_mode.revoke()
        token = APP_TOKEN if revoked else "xapp-1-A0CRISIS-1-not-this-one"
        env = serve_env(tmp_path, double.api_url, SLACK_APP_TOKEN=token)
        process = await serve(env, tmp_path)
        _, err = await asyncio.wait_for(process.communicate(), timeout=60)
        calls = [c.method for c in double.calls]
    assert process.returncode == 2
    lines = err.decode().strip().splitlines()
    code = "token_revoked" if revoked else "invalid_auth"
    assert lines == [
        f"crisisroom: SLACK_APP_TOKEN was refused by Slack ({code}): "
        "create a new app-level token with connections:write"
    ]
    assert calls == ["apps.connections.open"]  # one try, then stop: no retry loop

"""Events Slack sends without a subscription are handled, never "Unhandled request"."""

from __future__ import annotations

import json
import logging
from typing import Any

import aiohttp
import pytest

from app.errors import SlackFailure
from app.harness import Harness
from app.harness.seed import MARIA
from app.slackdouble.viewstore import APP_ID
from tests.record.scenario import open_war_room, record_of, said
from tests.record.test_shapes import fixture


async def health(harness: Harness) -> tuple[int, dict[str, Any]]:
    async with aiohttp.ClientSession() as http, http.get(f"{harness.http_url}/healthz") as r:
        return r.status, json.loads(await r.text())


async def test_rate_limited_is_acknowledged_logged_and_reconciled(
    harness: Harness, caplog: pytest.LogCaptureFixture
) -> None:
    incident = await open_war_room(harness)
    harness.driver.stop_forwarding()  # Slack drops the events while the app is rate-limited
    ts = harness.double.post_as(MARIA.id, incident.channel_id, "Dropped while rate-limited")
    await harness.double.settle()
    body = json.dumps(fixture("app_rate_limited", app_id=APP_ID))
    with caplog.at_level(logging.WARNING, logger="app.slack.listeners.app_events"):
        response = await harness.driver.post_raw(body, content_type="application/json")
        await harness.settle()
    assert response.status == 200 and "unhandled" not in response.text.lower()
    assert any("rate-limiting" in r.getMessage() for r in caplog.records)
    rows = await record_of(harness, incident.id)
    [recovered] = [row for row in rows if row["ts"] == ts]
    assert recovered["recovered"] and said(recovered) == "Dropped while rate-limited"


async def test_a_revoked_bot_token_stops_the_bot_and_healthz_says_why(
    harness: Harness,
) -> None:
    assert (await health(harness))[0] == 200
    event = fixture("tokens_revoked", bot_user=harness.room.deps.slack.bot_user_id)
    response = await harness.driver.event(event)
    await harness.settle()
    assert response.status == 200
    status, answer = await health(harness)
    assert status == 503 and "tokens_revoked" in answer["reason"]
    with pytest.raises(SlackFailure) as failure:
        await harness.room.deps.slack.post_message(harness.general, text="still here?")
    assert failure.value.error == "token_revoked" and "revoked" in failure.value.message


async def test_other_revoked_tokens_leave_the_bot_running(harness: Harness) -> None:
    event = fixture("tokens_revoked", bot_user="U0SOMEONE")
    assert (await harness.driver.event(event)).status == 200
    await harness.settle()
    assert (await health(harness))[0] == 200


async def test_uninstalling_the_app_stops_the_bot(harness: Harness) -> None:
    response = await harness.driver.event(fixture("app_uninstalled"))
    await harness.settle()
    assert response.status == 200
    status, answer = await health(harness)
    assert status == 503 and "app_uninstalled" in answer["reason"]


async def test_an_uninstall_is_written_in_each_open_war_rooms_record_once(
    harness: Harness,
) -> None:
    incident = await open_war_room(harness)
    before = await record_of(harness, incident.id)
    uninstalled = fixture("app_uninstalled")
    await harness.driver.event(uninstalled)
    await harness.settle()
    await harness.driver.event(
        fixture("tokens_revoked", bot_user=harness.room.deps.slack.bot_user_id)
    )
    await harness.settle()  # (the token is dead already: told once)
    rows = await record_of(harness, incident.id)
    assert rows[: len(before)] == before  # the record is kept as it was
    [stopped] = rows[len(before) :]
    content = json.loads(stopped["content"])
    assert stopped["kind"] == "action" and content["action"] == "workspace.uninstalled"
    assert content["detail"]["team_id"] == harness.double.team_id
    assert "uninstalled" in content["detail"]["reason"]

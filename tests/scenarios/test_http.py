"""The HTTP face: signatures, health, and secrets kept out of logs."""

from __future__ import annotations

import json
import logging
import time

import aiohttp
import pytest

from app.harness import BOT_TOKEN, SIGNING_SECRET, Harness
from app.harness.seed import MARIA
from app.logs import configure_logging
from tests.scenarios.conftest import crisis

COMMAND = "command=%2Fcrisis&text=help&user_id=U0MARIA&channel_id=C0X&team_id=T0CRISIS"


async def test_forged_signature_is_refused(harness: Harness) -> None:
    response = await harness.driver.post_raw(
        COMMAND, content_type="application/x-www-form-urlencoded", signature="v0=" + "0" * 64
    )
    assert response.status == 401


async def test_old_timestamp_is_refused_even_when_signed(harness: Harness) -> None:
    old = int(time.time()) - 6 * 60
    response = await harness.driver.post_raw(
        COMMAND,
        content_type="application/x-www-form-urlencoded",
        timestamp=old,
        signature=harness.driver.sign(COMMAND, old),
    )
    assert response.status == 401


async def test_url_verification_echoes_the_challenge(harness: Harness) -> None:
    response = await harness.driver.url_verification("abc123")
    assert response.status == 200 and "abc123" in response.text


async def test_healthz_answers_once_ready(harness: Harness) -> None:
    host, port = harness.runner.addresses[0][:2]
    async with aiohttp.ClientSession() as http, http.get(f"http://{host}:{port}/healthz") as r:
        assert r.status == 200
        assert json.loads(await r.text()) == {"ok": True}


async def test_tokens_and_secrets_never_reach_the_logs(
    harness: Harness, capsys: pytest.CaptureFixture[str]
) -> None:
    root = logging.getLogger()
    saved = (list(root.handlers), root.level)
    configure_logging("DEBUG", harness.settings.secrets())
    try:
        await crisis(harness, MARIA.id, "open Logged incident")
        await crisis(harness, MARIA.id, f"role add legal <@{MARIA.id}>")
    finally:
        root.handlers[:] = saved[0]
        root.setLevel(saved[1])
    err = capsys.readouterr().err
    assert "conversations.create" in err, "expected slack-sdk debug lines in the log"
    assert BOT_TOKEN not in err and SIGNING_SECRET not in err

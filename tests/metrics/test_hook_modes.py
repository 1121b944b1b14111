"""Where `POST /hooks/metrics` is served: in HTTP mode and in Socket Mode, and nowhere while
CRISIS_METRICS_SECRET is unset; and what it never writes to the log."""

from __future__ import annotations

import logging
from pathlib import Path

import aiohttp
import pytest

from app.clock import FakeClock
from app.logs import configure_logging
from tests.metrics.hook_client import (
    METRICS_SECRET,
    hooked,
    open_incident,
    point,
    point_count,
    points,
    post,
)

OFF = {"error": "the metrics hook is off: set CRISIS_METRICS_SECRET"}


@pytest.mark.parametrize("socket_mode", [False, True])
async def test_without_the_secret_the_hook_is_off(
    tmp_path: Path, clock: FakeClock, socket_mode: bool
) -> None:
    async with hooked(tmp_path, clock, CRISIS_METRICS_SECRET="", socket_mode=socket_mode) as h:
        assert h.settings.metrics_secret is None
        incident = await open_incident(h)
        answer = await post(h, point(incident=incident.ref))
        assert (answer.status, answer.body) == (404, OFF)
        assert await point_count(h) == 0


async def test_socket_mode_serves_the_hook_too(tmp_path: Path, clock: FakeClock) -> None:
    async with hooked(tmp_path, clock, socket_mode=True) as harness:
        incident = await open_incident(harness)
        answer = await post(harness, point(incident=incident.ref, source="tiktok"))
        assert answer.body == {"ok": True, "stored": 1, "duplicates": 0}
        assert [p.metric for p in await points(harness, incident.id)] == ["views"]
        async with (
            aiohttp.ClientSession() as http,
            http.post(harness.http_url + "/slack/events", data=b"{}") as response,
        ):
            assert response.status == 404  # still no HTTP door to Bolt


async def test_bodies_signatures_and_secrets_never_reach_the_log(
    tmp_path: Path, clock: FakeClock, capsys: pytest.CaptureFixture[str]
) -> None:
    """At DEBUG, as the bot configures its logs: the outcome and key id, nothing sent."""
    root = logging.getLogger()
    saved = (list(root.handlers), root.level)
    async with hooked(tmp_path, clock) as harness:
        incident = await open_incident(harness)
        assert METRICS_SECRET in harness.settings.secrets()  # masked wherever it turns up
        configure_logging("DEBUG", harness.settings.secrets())
        try:
            stored = await post(harness, point(incident=incident.ref, source="SECRET-SOURCE-1"))
            refused = await post(harness, point(incident=incident.ref, value="SECRET-VALUE-2"))
            forged = await post(harness, point(incident=incident.ref), secret="wrong")
        finally:
            root.handlers[:] = saved[0]
            root.setLevel(saved[1])
    assert (stored.status, refused.status, forged.status) == (200, 400, 401)
    logged = capsys.readouterr().err
    assert "metrics hook stored 1 points" in logged and "metrics hook answered 401" in logged
    for secret in ("SECRET-SOURCE-1", "SECRET-VALUE-2", METRICS_SECRET, "v0="):
        assert secret not in logged

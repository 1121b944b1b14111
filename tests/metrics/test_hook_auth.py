"""`POST /hooks/metrics` over real HTTP: who may send points, and replays.

Every refusal is checked to have stored nothing.
"""

from __future__ import annotations

import time
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from app.clock import FakeClock
from app.harness import Harness
from app.harness.seed import MARIA
from app.metrics.feeds import create_feed, revoke_feeds
from tests.metrics.hook_client import (
    METRICS_SECRET,
    hooked,
    open_incident,
    point,
    point_count,
    points,
    post,
    post_signed,
    sign,
)


@pytest.fixture
async def harness(tmp_path: Path, clock: FakeClock) -> AsyncIterator[Harness]:
    async with hooked(tmp_path, clock) as running:
        yield running


async def new_feed(harness: Harness, incident_id: int, *, revoked: bool = False) -> str:
    async with harness.db.begin() as session:
        feed = await create_feed(
            session, incident_id=incident_id, by=MARIA.id, now=harness.clock.now()
        )
        if revoked:
            await revoke_feeds(
                session, incident_id=incident_id, by=MARIA.id, now=harness.clock.now()
            )
    return feed.key_id


async def test_the_install_key_stores_a_signed_point(harness: Harness) -> None:
    incident = await open_incident(harness)
    answer = await post(harness, point(incident=incident.ref, source="tiktok"))
    assert (answer.status, answer.body) == (200, {"ok": True, "stored": 1, "duplicates": 0})
    [stored] = await points(harness)
    assert (stored.incident_id, stored.metric, stored.value) == (incident.id, "views", 2_700_000)
    assert (stored.source, stored.entered_by) == ("tiktok", "hook:install")


@pytest.mark.parametrize(
    "missing", ["X-Crisis-Key", "X-Crisis-Request-Timestamp", "X-Crisis-Signature"]
)
async def test_a_missing_header_is_401_naming_it(harness: Harness, missing: str) -> None:
    incident = await open_incident(harness)
    answer = await post(harness, point(incident=incident.ref), headers={missing: ""})
    assert answer.status == 401
    assert answer.body == {"error": f"missing {missing} header"}
    assert await point_count(harness) == 0


async def test_a_signature_made_with_another_secret_is_401(harness: Harness) -> None:
    incident = await open_incident(harness)
    answer = await post(harness, point(incident=incident.ref), secret="not-" + METRICS_SECRET)
    assert answer.status == 401 and answer.body["error"].startswith("bad signature")
    assert await point_count(harness) == 0


async def test_a_body_changed_after_signing_is_401(harness: Harness) -> None:
    incident = await open_incident(harness)
    stamp = int(time.time())
    good = await post(harness, point(incident=incident.ref, value=1), timestamp=stamp)
    assert good.status == 200
    body = f'{{"incident": "{incident.ref}", "metric": "views", "value": 9}}'.encode()
    headers = {
        "Content-Type": "application/json",
        "X-Crisis-Key": "install",
        "X-Crisis-Request-Timestamp": str(stamp),
        "X-Crisis-Signature": sign(METRICS_SECRET, stamp, b'{"other": "body"}'),
    }
    answer = await post_signed(harness, body, headers)
    assert answer.status == 401 and answer.body["error"].startswith("bad signature")
    assert [p.value for p in await points(harness)] == [1]


@pytest.mark.parametrize("key", ["someone", "mf_" + "A" * 16])
async def test_an_unknown_key_is_401(harness: Harness, key: str) -> None:
    """A key id never made is refused even when signed with the secret it would derive."""
    incident = await open_incident(harness)
    answer = await post(harness, point(incident=incident.ref), key=key)
    assert answer.status == 401 and answer.body["error"].startswith("unknown key")
    assert await point_count(harness) == 0


async def test_a_feed_key_stores_into_its_incident_without_naming_it(harness: Harness) -> None:
    incident = await open_incident(harness)
    key = await new_feed(harness, incident.id or 0)
    answer = await post(harness, {"points": [point(), point("sentiment", "-40%")]}, key=key)
    assert (answer.status, answer.body["stored"]) == (200, 2)
    stored = await points(harness, incident.id)
    assert [(p.metric, p.value, p.unit) for p in stored] == [
        ("views", 2_700_000, ""),
        ("sentiment", -40, "%"),
    ]
    assert {p.entered_by for p in stored} == {f"hook:{key}"}
    by_room = await post(harness, point("mentions", 150, incident=incident.channel_id), key=key)
    assert by_room.status == 200 and by_room.body["stored"] == 1


async def test_a_feed_key_must_sign_with_its_own_secret(harness: Harness) -> None:
    incident = await open_incident(harness)
    key = await new_feed(harness, incident.id or 0)
    answer = await post(harness, point(), key=key, secret=METRICS_SECRET)
    assert answer.status == 401 and answer.body["error"].startswith("bad signature")


async def test_a_revoked_feed_key_is_403(harness: Harness) -> None:
    incident = await open_incident(harness)
    key = await new_feed(harness, incident.id or 0, revoked=True)
    answer = await post(harness, point(), key=key)
    assert answer.status == 403 and answer.body["error"].startswith("key revoked")
    assert await point_count(harness) == 0


async def test_a_feed_key_naming_another_incident_is_403_and_stores_nothing(
    harness: Harness,
) -> None:
    ours = await open_incident(harness, "Ours")
    theirs = await open_incident(harness, "Theirs")
    key = await new_feed(harness, ours.id or 0)
    batch = {"points": [point(), point("sentiment", -40, incident=theirs.ref)]}
    answer = await post(harness, batch, key=key)
    assert answer.status == 403
    assert answer.body == {"error": f"this feed key is for {ours.ref} only", "point": 1}
    nowhere = await post(harness, point(incident="INC-999"), key=key)
    assert nowhere.status == 403  # whether that incident exists is none of the key's business
    assert await point_count(harness) == 0


@pytest.mark.parametrize("offset", [-6 * 60, 6 * 60])
async def test_a_timestamp_more_than_5_minutes_away_is_401_stale(
    harness: Harness, offset: int
) -> None:
    incident = await open_incident(harness)
    stamp = int(time.time()) + offset
    answer = await post(harness, point(incident=incident.ref), timestamp=stamp)
    assert answer.status == 401 and answer.body["error"].startswith("stale timestamp")
    assert await point_count(harness) == 0


async def test_a_replay_within_the_window_stores_nothing_new(harness: Harness) -> None:
    """A point without `at` is measured at the signed timestamp, so a replayed request is a
    duplicate, not a second point."""
    incident = await open_incident(harness)
    stamp = int(time.time()) - 60
    first = await post(harness, point(incident=incident.ref), timestamp=stamp)
    again = await post(harness, point(incident=incident.ref), timestamp=stamp)
    assert first.body == {"ok": True, "stored": 1, "duplicates": 0}
    assert again.body == {"ok": True, "stored": 0, "duplicates": 1}
    [stored] = await points(harness)
    assert stored.at == datetime.fromtimestamp(stamp, UTC)

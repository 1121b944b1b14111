"""`POST /hooks/metrics` over real HTTP: what a malformed request is told, and that it stored
nothing. (Each field's rules in detail: tests/metrics/test_hook_request.py.)"""

from __future__ import annotations

import time
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from app.clock import FakeClock
from app.harness import Harness
from app.incidents.models import Incident
from tests.metrics.hook_client import (
    hooked,
    open_incident,
    point,
    point_count,
    points,
    post,
    resolve_in_database,
)


@pytest.fixture
async def harness(tmp_path: Path, clock: FakeClock) -> AsyncIterator[Harness]:
    async with hooked(tmp_path, clock) as running:
        yield running


@pytest.fixture
async def incident(harness: Harness) -> Incident:
    return await open_incident(harness)


# (what is wrong, the point's fields besides the incident, the field the error names)
BAD_POINTS: list[tuple[str, dict[str, Any], str]] = [
    ("no metric", {"value": 5}, "metric"),
    ("metric not a word", {"metric": "Views per hour", "value": 5}, "metric"),
    ("metric a number", {"metric": 7, "value": 5}, "metric"),
    ("no value", {"metric": "views"}, "value"),
    ("value not a number", {"metric": "views", "value": "lots"}, "value"),
    ("value a boolean", {"metric": "views", "value": True}, "value"),
    ("unit too long", {"metric": "views", "value": 5, "unit": "u" * 17}, "unit"),
    ("at without zone", {"metric": "views", "value": 5, "at": "2026-11-21T14:00:00"}, "at"),
    ("at not a time", {"metric": "views", "value": 5, "at": "yesterday"}, "at"),
    ("at in the future", {"metric": "views", "value": 5, "at": "2099-01-01T00:00:00Z"}, "at"),
    ("source too long", {"metric": "views", "value": 5, "source": "s" * 65}, "source"),
    ("url not http", {"metric": "views", "value": 5, "url": "javascript:alert(1)"}, "url"),
    ("incident garbled", {"metric": "views", "value": 5, "incident": "INC-x"}, "incident"),
]


async def test_each_bad_field_is_400_naming_the_field_and_the_point(
    harness: Harness, incident: Incident
) -> None:
    good = point(incident=incident.ref, source="tiktok")
    for what, fields, field in BAD_POINTS:
        bad = {"incident": incident.ref, **fields}
        answer = await post(harness, {"points": [good, bad]})
        assert answer.status == 400, what
        assert answer.body["point"] == 1, what
        assert answer.body["error"].startswith(f"{field}: "), (what, answer.body)
    assert await point_count(harness) == 0


async def test_an_unknown_field_is_400_so_typos_are_not_lost(
    harness: Harness, incident: Incident
) -> None:
    answer = await post(harness, {"incident": incident.ref, "metric": "views", "vaule": 5})
    assert answer.status == 400
    assert answer.body["error"].startswith("unknown field `vaule`")
    assert answer.body["point"] == 0


@pytest.mark.parametrize(
    ("body", "error"),
    [
        (b'{"metric": "views", ', "malformed JSON"),
        (b'{"metric": "views", "value": NaN}', "malformed JSON"),
        (b'[{"metric": "views", "value": 1}]', 'send one point object or {"points": [...]}'),
        (b'{"points": []}', "no points"),
        (b'{"points": [], "extra": 1}', "a batch is"),
    ],
)
async def test_a_body_that_is_not_points_is_400(harness: Harness, body: bytes, error: str) -> None:
    answer = await post(harness, body)
    assert answer.status == 400 and answer.body["error"].startswith(error)
    assert "point" not in answer.body


async def test_not_json_is_415(harness: Harness, incident: Incident) -> None:
    answer = await post(harness, b"metric=views&value=5", content_type="text/plain")
    assert answer.status == 415 and "application/json" in answer.body["error"]


async def test_too_many_points_or_bytes_is_413(harness: Harness, incident: Incident) -> None:
    many = {"points": [point(incident=incident.ref, at=n) for n in range(1001)]}
    assert (await post(harness, many)).status == 413
    large = {"points": [point(incident=incident.ref, source="s" * 999_990)]}
    answer = await post(harness, large)
    assert answer.status == 413 and "bytes" in answer.body["error"]
    assert await point_count(harness) == 0


@pytest.mark.parametrize("named", ["INC-999", 999, "C0NOWHERE"])
async def test_an_unknown_incident_is_404(harness: Harness, incident: Incident, named: Any) -> None:
    answer = await post(harness, {"points": [point(incident=incident.ref), point(incident=named)]})
    assert answer.status == 404
    assert answer.body["error"].startswith("unknown incident") and answer.body["point"] == 1
    assert await point_count(harness) == 0


async def test_the_install_key_must_name_the_incident(harness: Harness, incident: Incident) -> None:
    answer = await post(harness, point())
    assert answer.status == 400 and answer.body["error"].startswith("incident: missing")


async def test_incidents_are_named_by_ref_number_or_war_room(
    harness: Harness, incident: Incident
) -> None:
    batch = [
        point("views", 1, incident=incident.ref),
        point("views", 2, incident=incident.id, source="b"),
        point("views", 3, incident=str(incident.id), source="c"),
        point("views", 4, incident=incident.channel_id, source="d"),
    ]
    answer = await post(harness, {"points": batch})
    assert answer.body == {"ok": True, "stored": 4, "duplicates": 0}
    assert sorted(p.value for p in await points(harness, incident.id)) == [1, 2, 3, 4]


async def test_a_resolved_incident_refuses_new_points_with_409(harness: Harness) -> None:
    open_one = await open_incident(harness, "Still open")
    resolved = await open_incident(harness, "Over")
    await resolve_in_database(harness, resolved.id or 0)
    batch = {"points": [point(incident=open_one.ref), point(incident=resolved.ref)]}
    answer = await post(harness, batch)
    assert answer.status == 409 and answer.body["point"] == 1
    assert answer.body["error"].startswith(f"{resolved.ref} is resolved")
    assert await point_count(harness) == 0  # not even the open incident's point


async def test_at_takes_iso_with_a_zone_or_unix_seconds(
    harness: Harness, incident: Incident
) -> None:
    stamp = int(time.time()) - 600
    batch = [
        point("views", 1, incident=incident.ref, at="2026-11-21T15:05:00+01:00"),
        point("views", 2, incident=incident.ref, at="2026-11-21T14:06:00Z"),
        point("views", 3, incident=incident.ref, at=stamp),
    ]
    assert (await post(harness, {"points": batch})).status == 200
    stored = {p.value: p.at for p in await points(harness)}
    assert stored == {
        1: datetime(2026, 11, 21, 14, 5, tzinfo=UTC),
        2: datetime(2026, 11, 21, 14, 6, tzinfo=UTC),
        3: datetime.fromtimestamp(stamp, UTC),
    }

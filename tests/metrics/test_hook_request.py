"""The pure checks of `POST /hooks/metrics` (app/metrics/hook_auth.py, hook_request.py)."""

from __future__ import annotations

import hashlib
import hmac
import json
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from app.metrics.hook_auth import Refused, authenticate, signature
from app.metrics.hook_request import (
    HookPoint,
    IncidentRef,
    by_incident,
    check_point,
    incident_ref,
    parse_points,
)
from app.metrics.keys import feed_secret
from app.metrics.values import PointIn

SECRET = "install-secret"
NOW = 1_800_000_000  # unix seconds (2027-01-15)
NOW_AT = datetime.fromtimestamp(NOW, UTC)
FEED = "mf_abcdefghijklmnop"


def headers(
    body: bytes, *, key: str = "install", stamp: int = NOW, secret: str = SECRET
) -> dict[str, str]:
    return {
        "X-Crisis-Key": key,
        "X-Crisis-Request-Timestamp": str(stamp),
        "X-Crisis-Signature": signature(secret, stamp, body),
    }


def refusal(call: Any) -> Refused:
    with pytest.raises(Refused) as caught:
        call()
    return caught.value


def test_the_signature_is_slacks_scheme_with_our_secret() -> None:
    body = b'{"metric": "views"}'
    expected = hmac.new(SECRET.encode(), b"v0:1800000000:" + body, hashlib.sha256).hexdigest()
    assert signature(SECRET, NOW, body) == "v0=" + expected


def test_a_good_signature_names_the_key_and_when() -> None:
    body = b"{}"
    signed = authenticate(headers(body), body, install_secret=SECRET, now=NOW + 299)
    assert (signed.key_id, signed.signed_at, signed.by) == ("install", NOW, "hook:install")


def test_a_feed_key_signs_with_its_derived_secret() -> None:
    body = b"{}"
    secret = feed_secret(SECRET, FEED)
    signed = authenticate(
        headers(body, key=FEED, secret=secret), body, install_secret=SECRET, now=NOW
    )
    assert signed.by == f"hook:{FEED}"
    wrong = headers(body, key=FEED)  # signed with the install secret
    assert refusal(lambda: authenticate(wrong, body, install_secret=SECRET, now=NOW)).status == 401


@pytest.mark.parametrize(
    ("change", "error"),
    [
        ({"X-Crisis-Signature": ""}, "missing X-Crisis-Signature header"),
        ({"X-Crisis-Key": ""}, "missing X-Crisis-Key header"),
        ({"X-Crisis-Request-Timestamp": "soon"}, "X-Crisis-Request-Timestamp must be unix"),
        ({"X-Crisis-Request-Timestamp": str(NOW - 301)}, "stale timestamp"),
        ({"X-Crisis-Request-Timestamp": str(NOW + 301)}, "stale timestamp"),
        ({"X-Crisis-Key": "admin"}, "unknown key"),
        ({"X-Crisis-Signature": "v0=" + "0" * 64}, "bad signature"),
        ({"X-Crisis-Signature": "v1=abc"}, "bad signature"),
    ],
)
def test_every_authentication_problem_is_401_naming_it(change: dict[str, str], error: str) -> None:
    body = b"{}"
    given = {**headers(body), **change}
    refused = refusal(lambda: authenticate(given, body, install_secret=SECRET, now=NOW))
    assert refused.status == 401 and refused.error.startswith(error)
    assert refused.answer() == {"error": refused.error}


def parse(document: Any, content_type: str = "application/json") -> list[HookPoint]:
    body = document if isinstance(document, bytes) else json.dumps(document).encode()
    return parse_points(body, content_type, signed_at=NOW, now=NOW_AT)


def test_one_point_or_a_batch() -> None:
    [one] = parse({"incident": "INC-3", "metric": "views", "value": "2.7M"})
    assert one == HookPoint(0, IncidentRef(id=3), PointIn("views", 2_700_000, NOW_AT))
    batch = parse({"points": [{"metric": "views", "value": 1}, {"metric": "shares", "value": 2}]})
    assert [(p.index, p.incident, p.point.metric) for p in batch] == [
        (0, None, "views"),
        (1, None, "shares"),
    ]


def test_a_charset_in_the_content_type_is_fine_anything_else_is_415() -> None:
    assert parse({"metric": "views", "value": 1}, "application/json; charset=utf-8")
    for other in ("text/plain", "application/x-www-form-urlencoded", ""):
        assert refusal(lambda: parse({"metric": "views", "value": 1}, other)).status == 415  # noqa: B023


@pytest.mark.parametrize(
    ("body", "status", "error"),
    [
        (b"{", 400, "malformed JSON (line 1, column 2)"),
        (b'{"value": Infinity}', 400, "malformed JSON: NaN"),
        (b"\xff\xfe", 400, "malformed JSON"),
        (b'"views"', 400, "send one point object"),
        (b'{"points": {"metric": "views"}}', 400, "a batch is"),
        (b'{"points": []}', 400, "no points"),
        (json.dumps({"points": [{}] * 1001}).encode(), 413, "1,001 points"),
    ],
)
def test_a_body_that_is_not_points(body: bytes, status: int, error: str) -> None:
    refused = refusal(lambda: parse(body))
    assert (refused.status, refused.point) == (status, None)
    assert refused.error.startswith(error)


def check(**fields: Any) -> HookPoint:
    raw = {"metric": "views", "value": 5, **fields}
    return check_point(raw, 4, default_at=NOW_AT, now=NOW_AT)


def test_value_as_number_or_as_people_type_it() -> None:
    assert (check(value=12).point.value, check(value=12).point.unit) == (12.0, "")
    assert (check(value=0.25).point.value, check(value="150K").point.value) == (0.25, 150_000)
    sentiment = check(value="-40%").point
    assert (sentiment.value, sentiment.unit) == (-40, "%")
    assert check(value="45", unit="min").point.unit == "min"
    assert check(value="-40%", unit="pts").point.unit == "pts"  # the unit given wins


def test_at_forms_and_its_default() -> None:
    assert check().point.at == NOW_AT  # the signed timestamp: a replay is a duplicate
    assert check(at="2026-11-21T15:00:00+01:00").point.at == datetime(2026, 11, 21, 14, tzinfo=UTC)
    assert check(at=NOW - 60.5).point.at == NOW_AT - timedelta(seconds=60.5)
    assert check(at=(NOW_AT + timedelta(minutes=4)).isoformat()).point.at > NOW_AT


def test_source_url_and_their_defaults() -> None:
    plain = check().point
    assert (plain.source, plain.url) == ("", None)
    full = check(source=" tiktok ", url="https://www.tiktok.com/@x/video/1").point
    assert (full.source, full.url) == ("tiktok", "https://www.tiktok.com/@x/video/1")


@pytest.mark.parametrize(
    ("fields", "error"),
    [
        ({"metric": None}, "metric: missing"),
        ({"metric": ""}, "metric: must be a string"),
        ({"metric": 5}, "metric: must be a string"),
        ({"metric": "Views!"}, "metric: `Views!` is not a metric name"),
        ({"value": None}, "value: missing"),
        ({"value": False}, "value: give a number"),
        ({"value": [1]}, "value: give a number"),
        ({"value": "a lot"}, "value: `a lot` is not a number"),
        ({"value": 10**400}, "value: not a number I can store"),
        ({"unit": "u" * 17}, "unit: at most 16"),
        ({"unit": 5}, "unit: must be a string"),
        ({"at": "2026-11-21 14:00"}, "at: `2026-11-21 14:00` has no time zone"),
        ({"at": "noon"}, "at: `noon` is not ISO-8601"),
        ({"at": -1}, "at: -1 is not a time"),
        ({"at": True}, "at: give ISO-8601"),
        ({"at": NOW + 301}, "at: "),
        ({"source": "s" * 65}, "source: The source is 65 characters"),
        ({"source": 3}, "source: must be a string"),
        ({"url": "ftp://x"}, "url: The url must start with https://"),
        ({"incident": "INC-0"}, "incident: `INC-0` names no incident"),
        ({"incident": "#war-room"}, "incident: `#war-room` names no incident"),
        ({"incident": 1.5}, "incident: `1.5` names no incident"),
        ({"incident": True}, "incident: `True` names no incident"),
        ({"incident": 2**31}, "incident: `2147483648` names no incident"),
        ({"incident": "INC-99999999999"}, "incident: `INC-99999999999` names no incident"),
        ({"metrics": "views"}, "unknown field `metrics`"),
    ],
)
def test_each_field_problem_is_400_naming_the_field_and_point(
    fields: dict[str, Any], error: str
) -> None:
    refused = refusal(lambda: check(**fields))
    assert (refused.status, refused.point) == (400, 4)
    assert refused.error.startswith(error), refused.error
    assert refused.answer() == {"error": refused.error, "point": 4}


def test_a_future_at_says_so() -> None:
    refused = refusal(lambda: check(at=NOW + 301))
    assert refused.error.endswith("is more than 5 minutes in the future")


@pytest.mark.parametrize(
    ("given", "ref"),
    [
        ("INC-12", IncidentRef(id=12)),
        ("inc-12", IncidentRef(id=12)),
        (12, IncidentRef(id=12)),
        ("12", IncidentRef(id=12)),
        ("C0123ABCD", IncidentRef(channel="C0123ABCD")),
        ("G0PRIVATE", IncidentRef(channel="G0PRIVATE")),
        (None, None),
        ("", None),
    ],
)
def test_an_incident_is_named_by_ref_number_or_war_room(
    given: Any, ref: IncidentRef | None
) -> None:
    assert incident_ref(given) == ref


def points_naming(*refs: IncidentRef | None) -> list[HookPoint]:
    return [HookPoint(n, ref, PointIn("views", n, NOW_AT)) for n, ref in enumerate(refs)]


def test_points_are_grouped_by_incident() -> None:
    three, room = IncidentRef(id=3), IncidentRef(channel="C0WAR")
    found = {three: 3, room: 5}
    groups = by_incident(points_naming(three, room, three), found=found, feed_incident=None)
    assert {k: [p.index for p in v] for k, v in groups.items()} == {3: [0, 2], 5: [1]}


def test_a_feed_key_fills_in_its_incident_and_keeps_to_it() -> None:
    three = IncidentRef(id=3)
    groups = by_incident(points_naming(None, three), found={three: 3}, feed_incident=3)
    assert list(groups) == [3] and len(groups[3]) == 2
    other = IncidentRef(id=4)
    refused = refusal(
        lambda: by_incident(points_naming(None, other), found={other: 4}, feed_incident=3)
    )
    assert (refused.status, refused.point, refused.error) == (
        403,
        1,
        "this feed key is for INC-3 only",
    )
    nowhere = refusal(lambda: by_incident(points_naming(other), found={}, feed_incident=3))
    assert nowhere.status == 403  # not 404: a feed key learns nothing of other incidents


def test_the_install_key_must_name_an_incident_that_exists() -> None:
    missing = refusal(lambda: by_incident(points_naming(None), found={}, feed_incident=None))
    assert (missing.status, missing.point) == (400, 0)
    assert missing.error.startswith("incident: missing")
    unknown = IncidentRef(channel="C0GONE")
    gone = refusal(lambda: by_incident(points_naming(unknown), found={}, feed_incident=None))
    assert (gone.status, gone.error) == (
        404,
        "unknown incident: no incident has the war room C0GONE",
    )

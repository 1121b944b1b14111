"""Checking what a request to `POST /hooks/metrics` asks to store (who signed it:
app/metrics/hook_auth.py).

Pure, so every rule has a plain unit test; the flow (app/flows/metrics_hook.py) reads the
database only for what these functions cannot know (which feed keys exist, which incidents).
A request breaking any rule raises `Refused`: a 4xx status, one line naming the problem, and
the index of the point at fault. Nothing is stored unless every point passed.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any, TypeVar

from app.metrics.hook_auth import Refused
from app.metrics.models import UNIT_MAX
from app.metrics.values import (
    BadMetric,
    PointIn,
    checked_source,
    checked_url,
    metric_name,
    parse_value,
)

AHEAD = timedelta(minutes=5)  # how far in the future a point's `at` may be (clock skew)
MAX_BODY = 1_000_000  # bytes
MAX_POINTS = 1_000
FIELDS = ("incident", "metric", "value", "unit", "at", "source", "url")
INCIDENT_REF = re.compile(r"^INC-(\d{1,12})$", re.IGNORECASE)
WAR_ROOM = re.compile(r"^[CG][A-Z0-9]{2,}$")
NAMING = "give INC-12, 12 or the war room's channel id"
MAX_ID = 2**31 - 1  # an incident id is a 32-bit integer in the database
BIGGEST = 1e308
T = TypeVar("T")


@dataclass(frozen=True)
class IncidentRef:
    """How a point named its incident: by number or by war-room channel id."""

    id: int | None = None
    channel: str | None = None

    @property
    def unknown(self) -> str:
        if self.id is not None:
            return f"unknown incident: there is no INC-{self.id}"
        return f"unknown incident: no incident has the war room {self.channel}"


@dataclass(frozen=True)
class HookPoint:
    """One checked point of the request, its position in it, and the incident it named
    (None: the feed key's own incident)."""

    index: int
    incident: IncidentRef | None
    point: PointIn


def parse_points(
    body: bytes, content_type: str, *, signed_at: int, now: datetime
) -> list[HookPoint]:
    """Every point of the body, checked: one point object or {"points": [...]}."""
    if content_type.split(";")[0].strip().lower() != "application/json":
        raise Refused(415, "send JSON with Content-Type: application/json")
    raws = _raw_points(_json(body))
    default_at = datetime.fromtimestamp(signed_at, UTC)
    return [check_point(raw, n, default_at=default_at, now=now) for n, raw in enumerate(raws)]


def _json(body: bytes) -> Any:
    try:
        return json.loads(body, parse_constant=_no_constant)
    except UnicodeDecodeError:
        raise Refused(400, "malformed JSON: the body is not UTF-8") from None
    except json.JSONDecodeError as error:
        raise Refused(400, f"malformed JSON (line {error.lineno}, column {error.colno})") from None
    except ValueError:  # NaN, Infinity
        raise Refused(400, "malformed JSON: NaN and Infinity are not numbers") from None


def _no_constant(word: str) -> Any:
    raise ValueError(f"{word} is not a number")


def _raw_points(document: Any) -> Sequence[Any]:
    if not isinstance(document, dict):
        raise Refused(400, 'send one point object or {"points": [...]}')
    if "points" not in document:
        return [document]
    if set(document) != {"points"} or not isinstance(document["points"], list):
        raise Refused(400, 'a batch is {"points": [...]} and nothing else')
    points = document["points"]
    if not points:
        raise Refused(400, "no points: the batch is empty")
    if len(points) > MAX_POINTS:
        raise Refused(413, f"{len(points):,} points: send at most {MAX_POINTS:,} a request")
    return points


def check_point(raw: Any, index: int, *, default_at: datetime, now: datetime) -> HookPoint:
    """One point as given, checked field by field; 400 naming the field otherwise."""
    if not isinstance(raw, dict):
        raise Refused(400, "a point is a JSON object", point=index)
    unknown = sorted(set(raw) - set(FIELDS))
    if unknown:
        known = ", ".join(FIELDS)
        raise Refused(400, f"unknown field `{unknown[0][:40]}`: a point has {known}", point=index)

    def checked(field: str, check: Callable[[], T]) -> T:
        try:
            return check()
        except BadMetric as error:
            raise Refused(400, f"{field}: {error}", point=index) from None

    metric = checked("metric", lambda: metric_name(_text(raw, "metric", required=True)))
    value, parsed_unit = checked("value", lambda: _value(raw.get("value")))
    point = PointIn(
        metric=metric,
        value=value,
        unit=checked("unit", lambda: _unit(raw, parsed_unit)),
        at=checked("at", lambda: _at(raw.get("at"), default=default_at, now=now)),
        source=checked("source", lambda: checked_source(_text(raw, "source"))),
        url=checked("url", lambda: checked_url(_text(raw, "url") or None)),
    )
    incident = checked("incident", lambda: incident_ref(raw.get("incident")))
    return HookPoint(index=index, incident=incident, point=point)


def _text(raw: Mapping[str, Any], field: str, *, required: bool = False) -> str:
    value = raw.get(field)
    if value is None and not required:
        return ""
    if not isinstance(value, str) or (required and not value.strip()):
        raise BadMetric("missing" if value is None else "must be a string")
    return value


def _value(value: Any) -> tuple[float, str]:
    if value is None:
        raise BadMetric("missing: give a number, or a string like `2.7M` or `-40%`")
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        raise BadMetric("give a number, or a string like `2.7M` or `-40%`")
    if isinstance(value, str):
        return parse_value(value)
    number = float(value) if abs(value) < BIGGEST else math.inf  # 1e400: an int, not a float
    if not math.isfinite(number):
        raise BadMetric("not a number I can store")
    return number, ""


def _unit(raw: Mapping[str, Any], parsed: str) -> str:
    """The unit given, else the one the value carried (`-40%` → `%`)."""
    given = _text(raw, "unit").strip()
    if len(given) > UNIT_MAX:
        raise BadMetric(f"at most {UNIT_MAX} characters")
    return given or parsed


def _at(value: Any, *, default: datetime, now: datetime) -> datetime:
    """ISO-8601 with a zone, or unix seconds; the signed timestamp when absent."""
    if value is None:
        return default
    if isinstance(value, str):
        at = _iso(value)
    elif isinstance(value, int | float) and not isinstance(value, bool):
        at = _unix(value)
    else:
        raise BadMetric("give ISO-8601 with a zone (2026-11-21T14:05:00Z) or unix seconds")
    if at > now + AHEAD:
        raise BadMetric(f"{at.isoformat()} is more than 5 minutes in the future")
    return at


def _iso(text: str) -> datetime:
    try:
        at = datetime.fromisoformat(text.strip())
    except ValueError:
        raise BadMetric(f"`{text[:40]}` is not ISO-8601, like 2026-11-21T14:05:00Z") from None
    if at.tzinfo is None:
        raise BadMetric(f"`{text[:40]}` has no time zone: add Z or +01:00")
    return at.astimezone(UTC)


def _unix(seconds: float) -> datetime:
    try:
        if not math.isfinite(seconds) or seconds < 0:
            raise ValueError(seconds)
        return datetime.fromtimestamp(seconds, UTC)
    except (ValueError, OverflowError, OSError):
        raise BadMetric(f"{seconds} is not a time in unix seconds") from None


def incident_ref(value: Any) -> IncidentRef | None:
    """`INC-12`, 12 or "12" → by number; `C0123ABCD` → by war room; absent → None."""
    if value is None or value == "":
        return None
    if isinstance(value, int) and not isinstance(value, bool) and 0 < value <= MAX_ID:
        return IncidentRef(id=value)
    if isinstance(value, str):
        text = value.strip()
        number = INCIDENT_REF.match(text)
        if number is not None or (text.isdigit() and len(text) <= 12):
            found = int(number.group(1) if number else text)
            if 0 < found <= MAX_ID:
                return IncidentRef(id=found)
        if WAR_ROOM.match(text):
            return IncidentRef(channel=text)
    raise BadMetric(f"`{str(value)[:40]}` names no incident: {NAMING}")


def by_incident(
    points: Sequence[HookPoint],
    *,
    found: Mapping[IncidentRef, int],
    feed_incident: int | None,
) -> dict[int, list[HookPoint]]:
    """The points per incident id. `found` holds each named incident that exists;
    `feed_incident` is the per-incident key's incident (None for the install key)."""
    groups: dict[int, list[HookPoint]] = {}
    for hook_point in points:
        ref, index = hook_point.incident, hook_point.index
        incident_id = feed_incident if ref is None else found.get(ref)
        if feed_incident is not None and incident_id != feed_incident:  # even if none such
            raise Refused(403, f"this feed key is for INC-{feed_incident} only", point=index)
        if ref is None and incident_id is None:
            raise Refused(400, f"incident: missing: {NAMING}", point=index)
        if incident_id is None:
            raise Refused(404, ref.unknown if ref else "unknown incident", point=index)
        groups.setdefault(incident_id, []).append(hook_point)
    return groups

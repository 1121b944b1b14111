"""A social-listening tool's side of `POST /hooks/metrics`: signed requests over real HTTP to
the running bot, and what the bot then holds (points, record entries)."""

from __future__ import annotations

import hashlib
import hmac
import json
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import aiohttp
import sqlalchemy
from sqlmodel import col, func, select, update

from app.clock import FakeClock
from app.harness import Harness
from app.harness.seed import MARIA
from app.incidents.models import Incident, Status
from app.metrics.keys import feed_secret
from app.metrics.models import MetricPoint
from app.record.append import ENTRY
from tests.databases import harness_on
from tests.scenarios.conftest import crisis

METRICS_SECRET = "test-metrics-secret-3a9d"
PATH = "/hooks/metrics"


@asynccontextmanager
async def hooked(
    tmp_path: Path, clock: FakeClock, *, backend: str = "sqlite", **options: Any
) -> AsyncIterator[Harness]:
    """The bot with the metrics hook on (CRISIS_METRICS_SECRET set), on `backend`."""
    options.setdefault("CRISIS_METRICS_SECRET", METRICS_SECRET)
    async with harness_on(backend, tmp_path, clock=clock, **options) as harness:
        yield harness


@dataclass
class Answer:
    status: int
    body: dict[str, Any]


def sign(secret: str, timestamp: int, body: bytes) -> str:
    """Written out here rather than imported, so a change to the bot's scheme fails a test."""
    digest = hmac.new(secret.encode(), b"v0:%d:" % timestamp + body, hashlib.sha256)
    return "v0=" + digest.hexdigest()


def secret_of(key: str) -> str:
    return METRICS_SECRET if key == "install" else feed_secret(METRICS_SECRET, key)


async def post(
    harness: Harness,
    document: Any,
    *,
    key: str = "install",
    secret: str | None = None,
    timestamp: int | None = None,
    headers: dict[str, str] | None = None,
    content_type: str = "application/json",
) -> Answer:
    """POST `document` (JSON-encoded unless bytes), signed as `key` at `timestamp` (now)."""
    body = document if isinstance(document, bytes) else json.dumps(document).encode()
    stamp = int(time.time()) if timestamp is None else timestamp
    sent = {
        "Content-Type": content_type,
        "X-Crisis-Key": key,
        "X-Crisis-Request-Timestamp": str(stamp),
        "X-Crisis-Signature": sign(secret or secret_of(key), stamp, body),
        **(headers or {}),
    }
    sent = {name: value for name, value in sent.items() if value}  # "" drops a header
    return await post_signed(harness, body, sent)


async def post_signed(harness: Harness, body: bytes, headers: dict[str, str]) -> Answer:
    """These exact bytes and headers (again: a replay)."""
    async with (
        aiohttp.ClientSession() as http,
        http.post(harness.http_url + PATH, data=body, headers=headers) as response,
    ):
        return Answer(response.status, await response.json(content_type=None))


async def open_incident(harness: Harness, title: str = "Video going viral") -> Incident:
    """`/crisis open <title>` as Maria: the newest incident, its war room made."""
    await crisis(harness, MARIA.id, f"open {title}")
    async with harness.db() as session:
        query = select(Incident).order_by(col(Incident.id).desc()).limit(1)
        return (await session.exec(query)).one()


async def resolve_in_database(harness: Harness, incident_id: int) -> None:
    async with harness.db.begin() as session:
        query = update(Incident).where(col(Incident.id) == incident_id)
        await session.exec(query.values(status=Status.RESOLVED))  # type: ignore[call-overload]


async def points(harness: Harness, incident_id: int | None = None) -> list[MetricPoint]:
    query = select(MetricPoint).order_by(col(MetricPoint.id))
    if incident_id is not None:
        query = query.where(col(MetricPoint.incident_id) == incident_id)
    async with harness.db() as session:
        return list((await session.exec(query)).all())


async def point_count(harness: Harness) -> int:
    async with harness.db() as session:
        query = select(func.count()).select_from(MetricPoint)
        return int((await session.exec(query)).one())


async def recorded(harness: Harness, incident_id: int) -> list[dict[str, Any]]:
    """The incident's legal-record entries for stored points, oldest first, with their
    content parsed."""
    async with harness.db() as session:
        conn = await session.connection()
        entries = sqlalchemy.select(ENTRY).where(ENTRY.c.incident_id == incident_id)
        rows = [dict(row._mapping) for row in await conn.execute(entries.order_by(ENTRY.c.seq))]
    entries = [{**row, "content": json.loads(row["content"])} for row in rows]
    return [e for e in entries if e["content"].get("action") == "metric.recorded"]


def point(metric: str = "views", value: Any = "2.7M", **fields: Any) -> dict[str, Any]:
    return {"metric": metric, "value": value, **fields}

"""`POST /hooks/metrics`: metric points from a social-listening tool, signed like Slack's
requests (app/metrics/hook_auth.py says how), stored by app/flows/metrics_hook.py.

Served in HTTP mode and in Socket Mode alike (app/web.py), and answering 404 while
CRISIS_METRICS_SECRET is unset. Answers are JSON: 200 {"ok": true, "stored": n,
"duplicates": d}, or a 4xx {"error": "…", "point": i} after which nothing was stored. Logs carry
the status and the key id, never a body, a signature or a secret.

Slack's events come first: the points a process stores take turns (`Turns`), so a burst of
them never stands in line at the database writer ahead of a message waiting for its ack, and
past a backlog the hook answers 503 with Retry-After (listening tools and Zapier retry).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator, Awaitable, Callable, Mapping
from contextlib import asynccontextmanager
from datetime import UTC, datetime

from aiohttp import web
from sqlalchemy.exc import SQLAlchemyError

from app.flows.deps import Deps
from app.flows.metrics_hook import Taken, take_points
from app.metrics.hook_auth import INSTALL_KEY, KEY, Refused, authenticate
from app.metrics.hook_request import MAX_BODY
from app.metrics.keys import looks_like_key_id
from app.requests.wallclock import WallClock
from app.store.trouble import database_trouble

logger = logging.getLogger(__name__)

METRICS_PATH = "/hooks/metrics"
OFF = "the metrics hook is off: set CRISIS_METRICS_SECRET"
BUSY = "busy: too many requests at once; send it again in a few seconds"
RETRY_AFTER_SECONDS = 5
# Requests storing at once: SQLite has one writer (each waits there ahead of Slack's events);
# PostgreSQL locks only each request's incidents.
AT_ONCE = {"sqlite": 1, "postgresql": 4}
BACKLOG = 64  # requests waiting for their turn; one more is answered 503

Handler = Callable[[web.Request], Awaitable[web.Response]]


class Turns:
    """At most `at_once` requests store at a time, at most `backlog` wait; 503 past that."""

    def __init__(self, *, at_once: int, backlog: int = BACKLOG) -> None:
        self.gate = asyncio.Semaphore(at_once)
        self.backlog = backlog
        self.waiting = 0

    @asynccontextmanager
    async def turn(self) -> AsyncIterator[None]:
        if self.waiting >= self.backlog:
            raise Refused(503, BUSY)
        self.waiting += 1
        try:
            await self.gate.acquire()
        finally:
            self.waiting -= 1
        try:
            yield
        finally:
            self.gate.release()


def metrics_hook(deps: Deps, *, ready: Callable[[], bool], clock: WallClock) -> Handler:
    """The handler; `ready` says whether the bot has started (and not begun to stop)."""
    turns = Turns(at_once=AT_ONCE.get(deps.db.engine.dialect.name, 1))

    async def metrics(request: web.Request) -> web.Response:
        if deps.settings.metrics_secret is None:
            return _answer(404, {"error": OFF})
        if not ready():
            return _answer(503, {"error": "starting"})
        try:
            taken = await _take(deps, request, clock=clock, turns=turns)
        except Refused as refused:
            logger.info("metrics hook answered %s (key %s)", refused.status, _key(request.headers))
            return _answer(refused.status, refused.answer())
        except (SQLAlchemyError, OSError) as error:
            trouble = database_trouble(error)
            if trouble is None:
                raise
            logger.warning("metrics hook answered 503: %s", trouble)
            return _answer(503, {"error": trouble})
        logger.info(
            "metrics hook stored %d points, %d already stored (key %s)",
            taken.stored,
            taken.duplicates,
            _key(request.headers),
        )
        return _answer(200, {"ok": True, "stored": taken.stored, "duplicates": taken.duplicates})

    return metrics


async def _take(deps: Deps, request: web.Request, *, clock: WallClock, turns: Turns) -> Taken:
    secret = deps.settings.metrics_secret
    assert secret is not None
    body = await _body(request)
    now = clock.now()
    signed = authenticate(request.headers, body, install_secret=secret.get_secret_value(), now=now)
    async with turns.turn():
        return await take_points(
            deps,
            signed=signed,
            body=body,
            content_type=request.headers.get("Content-Type", ""),
            now=datetime.fromtimestamp(now, UTC),
        )


async def _body(request: web.Request) -> bytes:
    """The body, refused with 413 past MAX_BODY bytes (read no further than that)."""
    too_large = Refused(413, f"the body is over {MAX_BODY:,} bytes: send smaller batches")
    if request.content_length is not None and request.content_length > MAX_BODY:
        raise too_large
    chunks, size = [], 0
    while chunk := await request.content.read(64 * 1024):
        size += len(chunk)
        if size > MAX_BODY:
            raise too_large
        chunks.append(chunk)
    return b"".join(chunks)


def _key(headers: Mapping[str, str]) -> str:
    """The key id for the log (a key id is public; anything else is not repeated)."""
    key = headers.get(KEY, "").strip()
    return key if key == INSTALL_KEY or looks_like_key_id(key) else "not a key id"


def _answer(status: int, answer: dict[str, object]) -> web.Response:
    headers = {"Retry-After": str(RETRY_AFTER_SECONDS)} if status == 503 else None
    return web.json_response(answer, status=status, headers=headers)

"""Running the bot for real: Socket Mode when SLACK_APP_TOKEN is set, otherwise HTTP.

HTTP mode serves POST /slack/events (every request verified) and GET /healthz on HOST:PORT.
Socket Mode serves only GET /healthz there: Slack's requests come over the WebSocket link.
"""

from __future__ import annotations

import asyncio
import ctypes
import logging
import os
import signal
import sys
import time
from collections.abc import Callable
from contextlib import suppress
from functools import partial
from typing import TYPE_CHECKING

from aiohttp import web
from sqlalchemy.exc import SQLAlchemyError

from app import collector
from app.errors import CrisisError
from app.logs import configure_logging
from app.main import CrisisRoom, create_app
from app.settings import Settings
from app.store.migrate_child import MigrationRefused
from app.web import web_app

if TYPE_CHECKING:  # Socket Mode's modules load only when SLACK_APP_TOKEN is set
    from slack_bolt.adapter.socket_mode.async_handler import AsyncSocketModeHandler

logger = logging.getLogger(__name__)

# glibc's mallopt() parameter for how many malloc arenas threads may spread over
M_ARENA_MAX = -8
# The server's threads are aiosqlite's, one per pooled connection, and they come and go with
# the pool's overflow; by default glibc gives each its own arena, up to 8 per core, and keeps
# what each arena grew to. Two arenas: 3-4 MB less resident after a 10,000-event burst.
MALLOC_ARENAS = 2
# How often the server looks whether it has gone quiet after work, to trim the heap then.
TRIM_CHECK_SECONDS = 1.0
# Below this share of a CPU over a check, the process counts as quiet (ticks stay below it).
QUIET_CPU_SHARE = 0.05


def _glibc() -> ctypes.CDLL | None:
    try:
        libc = ctypes.CDLL("libc.so.6")
    except OSError:
        return None
    return libc if hasattr(libc, "mallopt") and hasattr(libc, "malloc_trim") else None


def fewer_malloc_arenas(arenas: int = MALLOC_ARENAS) -> bool:
    """Cap glibc's malloc arenas (as MALLOC_ARENA_MAX would) unless the environment already
    chose; False where there is no glibc (musl, macOS). Call it before threads start."""
    libc = _glibc()
    if libc is None or "MALLOC_ARENA_MAX" in os.environ:
        return False
    return bool(libc.mallopt(M_ARENA_MAX, arenas))


async def trim_after_work(
    seconds: float = TRIM_CHECK_SECONDS,
    *,
    trim: Callable[[], object] | None = None,
    cpu: Callable[[], float] = time.process_time,
) -> None:
    """Hand the heap pages a burst freed back to the system once the process is quiet again
    (glibc's malloc_trim: ~1 MB after a 10,000-event burst). Reads `cpu` time once a
    `seconds`; trims once per busy spell, so an idle server does nothing."""
    if trim is None:
        libc = _glibc()
        if libc is None:
            return
        trim = partial(libc.malloc_trim, 0)
    busy, used = False, cpu()
    while True:
        await asyncio.sleep(seconds)
        now = cpu()
        spent, used = now - used, now
        if spent > QUIET_CPU_SHARE * seconds:
            busy = True
        elif busy:
            trim()
            busy = False


async def serve(settings: Settings) -> int:
    fewer_malloc_arenas()
    configure_logging(settings.log_level, settings.secrets(), log_content=settings.log_content)
    try:
        if settings.slack_app_token is not None:  # before anything is built, started or logged
            from app.socket_mode import check_app_token

            await check_app_token(app_token=_app_token(settings), api_url=settings.slack_api_url)
        room = create_app(settings)
        runner = await _listen(room, settings)
    except CrisisError as error:
        return _fail(error)
    try:
        socket_mode = await _start(room, settings)
    except CrisisError as error:
        await _shut(room, runner, None)
        return _fail(error)
    logger.debug("%d start-up objects frozen", collector.settle())
    trimmer = asyncio.create_task(trim_after_work())
    await _until_stopped()
    trimmer.cancel()
    with suppress(asyncio.CancelledError):
        await trimmer
    await _shut(room, runner, socket_mode)
    return 0


async def _start(room: CrisisRoom, settings: Settings) -> AsyncSocketModeHandler | None:
    """Migrate (in a child process: Alembic never loads in the server) and start; a
    database that refuses us, here or in the child, becomes one DatabaseUnusable line."""
    try:
        await room.start(migrate_apart=True)
        return await _socket_mode(room, settings)
    except MigrationRefused as error:
        raise DatabaseUnusable(error.kind) from None
    except (SQLAlchemyError, OSError) as error:
        raise DatabaseUnusable(type(error).__name__) from None


async def _listen(room: CrisisRoom, settings: Settings) -> web.AppRunner:
    runner = web.AppRunner(web_app(room), access_log=None)
    await runner.setup()
    await web.TCPSite(runner, settings.host, settings.port).start()
    paths = "GET /healthz" if settings.slack_app_token else "POST /slack/events, GET /healthz"
    if settings.metrics_secret is not None:
        paths += ", POST /hooks/metrics"
    logger.info("listening on http://%s:%s (%s)", settings.host, settings.port, paths)
    return runner


async def _socket_mode(room: CrisisRoom, settings: Settings) -> AsyncSocketModeHandler | None:
    if settings.slack_app_token is None:
        return None
    from app.socket_mode import open_socket_mode

    return await open_socket_mode(
        room, app_token=_app_token(settings), api_url=settings.slack_api_url
    )


def _app_token(settings: Settings) -> str:
    assert settings.slack_app_token is not None
    return settings.slack_app_token.get_secret_value()


class DatabaseUnusable(CrisisError):
    def __init__(self, kind: str) -> None:
        super().__init__(
            f"couldn't use the database at DATABASE_URL ({kind}): check that it is running, "
            "reachable and writable"
        )


def _fail(error: CrisisError) -> int:
    """Every line of the error with the prefix (a PlaybookError has one line per mistake)."""
    lines = error.message.splitlines() or [""]
    print("\n".join(f"crisisroom: {line}" for line in lines), file=sys.stderr)
    return 2


async def _shut(
    room: CrisisRoom, runner: web.AppRunner, socket_mode: AsyncSocketModeHandler | None
) -> None:
    if socket_mode is not None:
        await socket_mode.close_async()
    await room.stop()
    await runner.cleanup()


async def _until_stopped() -> None:
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    await stop.wait()

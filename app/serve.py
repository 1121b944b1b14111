"""Running the bot for real: Socket Mode when SLACK_APP_TOKEN is set, otherwise HTTP.

HTTP mode serves POST /slack/events (every request verified) and GET /healthz on HOST:PORT.
Socket Mode serves only GET /healthz there: Slack's requests come over the WebSocket link.
"""

from __future__ import annotations

import asyncio
import logging
import signal
import sys

from aiohttp import web
from slack_bolt.adapter.socket_mode.async_handler import AsyncSocketModeHandler
from sqlalchemy.exc import SQLAlchemyError

from app.errors import CrisisError
from app.logs import configure_logging
from app.main import CrisisRoom, create_app
from app.settings import Settings
from app.socket_mode import check_app_token, open_socket_mode
from app.web import web_app

logger = logging.getLogger(__name__)


async def serve(settings: Settings) -> int:
    configure_logging(settings.log_level, settings.secrets(), log_content=settings.log_content)
    try:
        if settings.slack_app_token is not None:  # before anything is built, started or logged
            await check_app_token(app_token=_app_token(settings), api_url=settings.slack_api_url)
        room = create_app(settings)
        runner = await _listen(room, settings)
    except CrisisError as error:
        return _fail(error)
    try:
        await room.start()
        socket_mode = await _socket_mode(room, settings)
    except CrisisError as error:
        await _shut(room, runner, None)
        return _fail(error)
    except (SQLAlchemyError, OSError) as error:  # the database refused us at start
        await _shut(room, runner, None)
        return _fail(DatabaseUnusable(type(error).__name__))
    await _until_stopped()
    await _shut(room, runner, socket_mode)
    return 0


async def _listen(room: CrisisRoom, settings: Settings) -> web.AppRunner:
    runner = web.AppRunner(web_app(room), access_log=None)
    await runner.setup()
    await web.TCPSite(runner, settings.host, settings.port).start()
    paths = "GET /healthz" if settings.slack_app_token else "POST /slack/events, GET /healthz"
    logger.info("listening on http://%s:%s (%s)", settings.host, settings.port, paths)
    return runner


async def _socket_mode(room: CrisisRoom, settings: Settings) -> AsyncSocketModeHandler | None:
    if settings.slack_app_token is None:
        return None
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
    print(f"crisisroom: {error.message}", file=sys.stderr)
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

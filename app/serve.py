"""Running the bot for real: HTTP on HOST:PORT, plus Socket Mode when SLACK_APP_TOKEN is set."""

from __future__ import annotations

import asyncio
import logging
import signal
import sys

from aiohttp import web

from app.errors import CrisisError, SlackFailure
from app.logs import configure_logging
from app.main import create_app
from app.settings import Settings
from app.web import web_app

logger = logging.getLogger(__name__)


async def serve(settings: Settings) -> int:
    configure_logging(settings.log_level, settings.secrets())
    try:
        room = create_app(settings)
    except CrisisError as error:
        print(f"crisisroom: {error.message}", file=sys.stderr)
        return 2
    runner = web.AppRunner(web_app(room), access_log=None)
    await runner.setup()
    await web.TCPSite(runner, settings.host, settings.port).start()
    logger.info(
        "listening on http://%s:%s (POST /slack/events, GET /healthz)", settings.host, settings.port
    )
    try:
        await room.start()
    except SlackFailure as failure:
        print(f"crisisroom: {failure.message}", file=sys.stderr)
        await runner.cleanup()
        return 2
    socket_mode = await _socket_mode(room, settings)
    await _until_stopped()
    if socket_mode is not None:
        await socket_mode.close_async()
    await room.stop()
    await runner.cleanup()
    return 0


async def _socket_mode(room, settings: Settings):  # type: ignore[no-untyped-def]
    if settings.slack_app_token is None:
        return None
    from slack_bolt.adapter.socket_mode.async_handler import AsyncSocketModeHandler

    handler = AsyncSocketModeHandler(room.bolt, settings.slack_app_token.get_secret_value())
    await handler.connect_async()
    logger.info("connected to Slack in Socket Mode")
    return handler


async def _until_stopped() -> None:
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    await stop.wait()

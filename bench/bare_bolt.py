"""The reference the side-by-side benchmarks measure the bot against: a bare Bolt AsyncApp.

It verifies every request's signature (SLACK_SIGNING_SECRET), authorizes with a fixed
AuthorizeResult (no auth.test per request, like the bot), hears message events and does
nothing with them, and answers `/crisis` by acking and then calling `chat.postMessage`
through Bolt's client (the slow-Slack ack comparison). Served by aiohttp on POST
/slack/events exactly as app/web.py serves the bot, plus GET /healthz.

    SLACK_SIGNING_SECRET=... .venv/bin/python bench/bare_bolt.py --port N --api-url URL
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import os
import signal
from typing import Any

from aiohttp import web
from slack_bolt.adapter.aiohttp import to_aiohttp_response, to_bolt_request
from slack_bolt.async_app import AsyncAck, AsyncApp
from slack_bolt.authorization import AuthorizeResult
from slack_sdk.web.async_client import AsyncWebClient

REPLY = "bare Bolt heard /crisis"


def bolt_app(*, api_url: str, token: str, signing_secret: str) -> AsyncApp:
    identity = AuthorizeResult(
        enterprise_id=None,
        team_id="T0CRISIS",
        bot_token=token,
        bot_id="B0BOT",
        bot_user_id="U0BOT",
    )

    async def authorize(context: Any) -> AuthorizeResult:
        return identity

    app = AsyncApp(
        client=AsyncWebClient(base_url=api_url),
        signing_secret=signing_secret,
        authorize=authorize,
        process_before_response=False,
    )
    app.event("message")(on_message)
    app.command("/crisis")(on_command)
    return app


async def on_message() -> None:
    """Hears every message event and does nothing."""


async def on_command(ack: AsyncAck, body: dict[str, Any], client: AsyncWebClient) -> None:
    await ack()
    await client.chat_postMessage(channel=body["channel_id"], text=REPLY)


def web_app(bolt: AsyncApp) -> web.Application:
    async def slack_events(request: web.Request) -> web.Response:
        bolt_response = await bolt.async_dispatch(await to_bolt_request(request))
        return await to_aiohttp_response(bolt_response)

    async def healthz(_request: web.Request) -> web.Response:
        return web.json_response({"ok": True})

    application = web.Application()
    application.router.add_post("/slack/events", slack_events)
    application.router.add_get("/healthz", healthz)
    return application


async def serve(port: int, api_url: str) -> None:
    bolt = bolt_app(
        api_url=api_url,
        token=os.environ.get("SLACK_BOT_TOKEN", "xoxb-test-token"),
        signing_secret=os.environ["SLACK_SIGNING_SECRET"],
    )
    runner = web.AppRunner(web_app(bolt), access_log=None)
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", port).start()
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    await stop.wait()
    await runner.cleanup()


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--api-url", required=True, help="the Slack Web API base URL")
    args = parser.parse_args()
    logging.basicConfig(level=logging.WARNING)
    asyncio.run(serve(args.port, args.api_url))

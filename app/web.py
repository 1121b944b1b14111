"""The HTTP face of the bot: Slack's requests at POST /slack/events, and GET /healthz."""

from __future__ import annotations

from aiohttp import web
from slack_bolt.adapter.aiohttp import to_aiohttp_response, to_bolt_request

from app.main import CrisisRoom

EVENTS_PATH = "/slack/events"


def web_app(room: CrisisRoom) -> web.Application:
    async def slack_events(request: web.Request) -> web.Response:
        bolt_request = await to_bolt_request(request)
        bolt_response = await room.bolt.async_dispatch(bolt_request)
        return await to_aiohttp_response(bolt_response)

    async def healthz(_request: web.Request) -> web.Response:
        if room.ready:
            return web.json_response({"ok": True})
        return web.json_response({"ok": False, "reason": "starting"}, status=503)

    application = web.Application()
    application.router.add_post(EVENTS_PATH, slack_events)
    application.router.add_get("/healthz", healthz)
    return application

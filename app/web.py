"""The HTTP face of the bot.

HTTP mode: Slack's requests at POST /slack/events (each one signed, well-formed and new, see
app/requests/gate.py) and GET /healthz. Socket Mode: GET /healthz only, every other path 404;
Slack's requests then arrive over the app's own WebSocket, so no HTTP door leads to Bolt.
"""

from __future__ import annotations

from aiohttp import web
from slack_bolt.adapter.aiohttp import to_aiohttp_response, to_bolt_request

from app.main import CrisisRoom
from app.requests.gate import RequestGate
from app.requests.replay import ReplayGuard
from app.requests.wallclock import WallClock

EVENTS_PATH = "/slack/events"
HEALTH_PATH = "/healthz"


def web_app(room: CrisisRoom, *, clock: WallClock | None = None) -> web.Application:
    """The right HTTP app for the room's settings: Socket Mode serves only /healthz."""
    if room.deps.settings.slack_app_token is not None:
        return health_app(room)
    return events_app(room, clock=clock)


def health_app(room: CrisisRoom) -> web.Application:
    async def healthz(_request: web.Request) -> web.Response:
        if room.deps.slack.stopped is not None:  # tokens_revoked / app_uninstalled
            return web.json_response({"ok": False, "reason": room.deps.slack.stopped}, status=503)
        if room.ready:
            return web.json_response({"ok": True})
        return web.json_response({"ok": False, "reason": "starting"}, status=503)

    application = web.Application()
    application.router.add_get(HEALTH_PATH, healthz)
    return application


def events_app(room: CrisisRoom, *, clock: WallClock | None = None) -> web.Application:
    secret = room.deps.settings.slack_signing_secret
    replays = ReplayGuard(db=room.deps.db, clock=clock or WallClock())
    gate = RequestGate(signing_secret=secret.get_secret_value() if secret else "", replays=replays)

    async def slack_events(request: web.Request) -> web.Response:
        body = await request.read()
        verdict = await gate.check(body, request.headers, request.headers.get("Content-Type", ""))
        if verdict.status:
            return _refusal(verdict.status, verdict.error)
        bolt_response = await room.bolt.async_dispatch(await to_bolt_request(request))
        if bolt_response.status >= 500:  # not stored: Slack's retry must not count as a replay
            await gate.unserved(request.headers)
        return await to_aiohttp_response(bolt_response)

    application = health_app(room)
    application.router.add_post(EVENTS_PATH, slack_events)
    return application


def _refusal(status: int, error: str) -> web.Response:
    if not error:
        return web.Response(status=status)
    return web.json_response({"error": error}, status=status)

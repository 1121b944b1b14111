"""The HTTP face of the bot.

HTTP mode: Slack's requests at POST /slack/events (each one signed, well-formed and new, see
app/requests/gate.py) and GET /healthz. Socket Mode: GET /healthz only, every other path 404;
Slack's requests then arrive over the app's own WebSocket, so no HTTP door leads to Bolt.
"""

from __future__ import annotations

from datetime import datetime

from aiohttp import web
from slack_bolt.adapter.aiohttp import to_aiohttp_response, to_bolt_request

from app.flows.health import HealthCheck
from app.main import CrisisRoom
from app.requests.gate import RequestGate
from app.requests.replay import ReplayGuard
from app.requests.wallclock import WallClock
from app.slack.listeners.stored_first import STORED_EVENTS

EVENTS_PATH = "/slack/events"
HEALTH_PATH = "/healthz"


def web_app(room: CrisisRoom, *, clock: WallClock | None = None) -> web.Application:
    """The right HTTP app for the room's settings: Socket Mode serves only /healthz."""
    if room.deps.settings.slack_app_token is not None:
        return health_app(room)
    return events_app(room, clock=clock)


def health_app(room: CrisisRoom) -> web.Application:
    """GET /healthz: 200 {"ok": true} only when Slack auth is good and the database answers
    a probe (app/flows/health.py); otherwise 503 naming the failing part and why, or
    {"ok": false, "reason": "starting"} until the bot has started. `?verbose=1` adds when the
    legal record was last written and when Slack auth was last checked."""
    health = HealthCheck(room.deps)

    async def healthz(request: web.Request) -> web.Response:
        if room.deps.slack.stopped is None and not room.ready:
            return web.json_response({"ok": False, "reason": "starting"}, status=503)
        verdict = await health.check()
        if not verdict.ok:
            return web.json_response(verdict.answer(), status=503)
        answer = verdict.answer()
        if request.query.get("verbose") == "1":
            answer["last_record_write"] = _iso(await health.last_record_write())
            answer["slack_auth_checked"] = _iso(health.auth_checked)
        return web.json_response(answer)

    application = web.Application()
    application.router.add_get(HEALTH_PATH, healthz)
    return application


def _iso(moment: datetime | None) -> str | None:
    return moment.isoformat() if moment is not None else None


def events_app(room: CrisisRoom, *, clock: WallClock | None = None) -> web.Application:
    secret = room.deps.settings.slack_signing_secret
    replays = ReplayGuard(db=room.deps.db, clock=clock or WallClock())
    gate = RequestGate(
        signing_secret=secret.get_secret_value() if secret else "",
        replays=replays,
        idempotent_events=STORED_EVENTS,
    )

    async def slack_events(request: web.Request) -> web.Response:
        body = await request.read()
        verdict = await gate.check(body, request.headers, request.headers.get("Content-Type", ""))
        if verdict.status:
            return _refusal(verdict.status, verdict.error)
        try:
            bolt_response = await room.bolt.async_dispatch(await to_bolt_request(request))
        finally:
            if verdict.marked is not None:  # nothing is answered before its mark is stored
                await verdict.marked
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

"""The HTTP face of the bot.

HTTP mode: Slack's requests at POST /slack/events (each one signed, well-formed and new, see
app/requests/gate.py) and GET /healthz. This is the only HTTP door to Bolt, and it opens only
after the gate: the gate's check is the one signature check (Bolt's is off), and Bolt is handed
the body the gate parsed (app/slack/ack_after_mark.py). Socket Mode: GET /healthz only, every
other path 404 (both modes: GET /slack/install and /slack/oauth_redirect too, when installing
for many workspaces by OAuth: app/slack/oauth.py); Slack's requests then arrive over the app's
own WebSocket, so no HTTP door leads to Bolt. Both modes also serve POST /hooks/metrics
(app/hooks/metrics_http.py: signed metric points, 404 while CRISIS_METRICS_SECRET is unset),
which never reaches Bolt either.
"""

from __future__ import annotations

import logging
from contextlib import suppress
from datetime import datetime

from aiohttp import web
from slack_bolt.adapter.aiohttp import to_aiohttp_response
from slack_bolt.oauth.async_oauth_flow import AsyncOAuthFlow
from slack_bolt.request.async_request import AsyncBoltRequest
from sqlalchemy.exc import SQLAlchemyError

from app.flows.health import HealthCheck
from app.hooks.metrics_http import METRICS_PATH, metrics_hook
from app.main import CrisisRoom
from app.requests.gate import RequestGate, Verdict
from app.requests.replay import ReplayGuard
from app.requests.wallclock import WallClock
from app.slack.ack_after_mark import gated_request
from app.slack.listeners.stored_first import STORED_EVENTS
from app.slack.oauth import INSTALL_PATH, REDIRECT_PATH

logger = logging.getLogger(__name__)

EVENTS_PATH = "/slack/events"
DATABASE_TROUBLE = (SQLAlchemyError, OSError)
HEALTH_PATH = "/healthz"


def web_app(room: CrisisRoom, *, clock: WallClock | None = None) -> web.Application:
    """The right HTTP app for the room's settings: Socket Mode serves no Slack events; both
    serve the metrics hook."""
    wall = clock or WallClock()
    if room.deps.settings.slack_app_token is not None:
        application = health_app(room)
    else:
        application = events_app(room, clock=wall)
    hook = metrics_hook(room.deps, ready=lambda: room.ready, clock=wall)
    application.router.add_post(METRICS_PATH, hook)
    if room.bolt.oauth_flow is not None:  # installing for many workspaces (issue 16)
        add_install_routes(application, room, room.bolt.oauth_flow)
    return application


def add_install_routes(
    application: web.Application, room: CrisisRoom, flow: AsyncOAuthFlow
) -> None:
    """GET /slack/install (a link to Slack's consent page, with a fresh `state`) and GET
    /slack/oauth_redirect (where Slack sends the person back): Bolt's OAuth flow."""

    async def install(request: web.Request) -> web.Response:
        if not room.ready:
            return _refusal(503, "starting")
        return await to_aiohttp_response(await flow.handle_installation(_get(request)))

    async def redirect(request: web.Request) -> web.Response:
        if not room.ready:
            return _refusal(503, "starting")
        return await to_aiohttp_response(await flow.handle_callback(_get(request)))

    application.router.add_get(INSTALL_PATH, install)
    application.router.add_get(REDIRECT_PATH, redirect)


def _get(request: web.Request) -> AsyncBoltRequest:
    return AsyncBoltRequest(body="", query=request.query_string, headers=dict(request.headers))


def health_app(room: CrisisRoom) -> web.Application:
    """GET /healthz: 200 {"ok": true} only when Slack auth is good and the database answers
    a probe (app/flows/health.py); otherwise 503 naming the failing part and why, or
    {"ok": false, "reason": "starting"} until the bot has started. `?verbose=1` adds when the
    legal record was last written, when Slack auth was last checked, the outbox's backlog
    (copies behind, the oldest since when) and the record catch-up's backlog."""
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
            answer["outbox"] = await health.outbox()
            answer["catch_up"] = await health.catch_up()
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
        if not room.ready:  # starting or stopping: Slack sends it again, to this or another
            return _refusal(503, "starting")
        try:
            return await serve(request)
        except DATABASE_TROUBLE as error:  # the replay memory could not be written or read
            logger.warning("answered 503: the database refused (%s)", type(error).__name__)
            with suppress(*DATABASE_TROUBLE):
                await gate.unserved(request.headers)
            return _refusal(503, "the database is unavailable")

    async def serve(request: web.Request) -> web.Response:
        body = await request.read()
        verdict = await gate.check(body, request.headers, request.headers.get("Content-Type", ""))
        if verdict.status:
            return _refusal(verdict.status, verdict.error)
        try:
            bolt_response = await room.bolt.async_dispatch(_bolt_request(request, verdict))
        finally:
            if verdict.marked is not None:  # nothing is answered before its mark is stored
                await verdict.marked
        if verdict.mark is not None and bolt_response.status != 200:
            await verdict.mark  # not acknowledged: no listener waits for the mark
        if bolt_response.status >= 500:  # not stored: Slack's retry must not count as a replay
            await gate.unserved(request.headers)
        return await to_aiohttp_response(bolt_response)

    application = health_app(room)
    application.router.add_post(EVENTS_PATH, slack_events)
    return application


def _bolt_request(request: web.Request, verdict: Verdict) -> AsyncBoltRequest:
    return gated_request(
        text=verdict.text,
        body=verdict.body,
        query=request.query_string,
        headers=request.headers,
        mark=verdict.mark,
    )


def _refusal(status: int, error: str) -> web.Response:
    if not error:
        return web.Response(status=status)
    return web.json_response({"error": error}, status=status)

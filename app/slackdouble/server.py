"""The HTTP side of the double: routing, auth, latency, scripted faults, recording."""

from __future__ import annotations

import asyncio
import json
import logging
from dataclasses import dataclass
from typing import Any, Unpack

from aiohttp import web

from app.slackdouble import (
    grid,
    methods_chat,
    methods_conversations,
    methods_files,
    methods_history,
    methods_pins_users,
    methods_team,
    methods_views,
)
from app.slackdouble.args import Handler, decode_json_fields
from app.slackdouble.errors import SlackError
from app.slackdouble.faults import INSTEAD_OF_WORK, Fault, FaultKind, FaultOptions, Faults
from app.slackdouble.oauth import METHOD as OAUTH_ACCESS
from app.slackdouble.oauth import OAuth
from app.slackdouble.responses import ResponseUrls
from app.slackdouble.socket_mode import LINK_PATH, OPEN_METHOD, SocketModeServer
from app.slackdouble.workspace import Workspace
from app.slackdouble.workspaces import Install

log = logging.getLogger(__name__)

HANDLERS: dict[str, Handler] = {
    **methods_chat.METHODS,
    **methods_conversations.METHODS,
    **methods_files.METHODS,
    **methods_history.METHODS,
    **methods_pins_users.METHODS,
    **methods_team.METHODS,
    **methods_views.METHODS,
}


@dataclass
class Call:
    """One Web API call the double answered."""

    method: str
    args: dict[str, Any]
    ok: bool
    error: str | None
    fault: str | None = None  # the scripted fault that answered it (app/slackdouble/faults.py)


class ApiServer:
    """Serves a Workspace over HTTP the way slack.com does."""

    def __init__(
        self,
        ws: Workspace,
        responses: ResponseUrls,
        latency: float,
        sockets: SocketModeServer | None = None,
        oauth: OAuth | None = None,
    ) -> None:
        self.ws = ws
        self.oauth = oauth
        self.responses = responses
        self.latency = latency
        self.sockets = sockets or SocketModeServer(bot_token=ws.token, ids=ws.ids)
        self.calls: list[Call] = []
        self.faults = Faults()
        self.redirects: dict[str, str] = {}  # file id -> where its download redirects
        self._runner: web.AppRunner | None = None

    def fault(
        self,
        method: str,
        kind: FaultKind,
        *,
        times: int | None = None,
        seconds: float | None = None,
        **options: Unpack[FaultOptions],
    ) -> Fault:
        return self.faults.add(method, kind, times=times, seconds=seconds, **options)

    def fail_next(self, method: str, error: str, times: int = 1) -> None:
        self.faults.add(method, "error", times=times, error=error)

    def rate_limit_next(self, method: str, times: int = 1, retry_after: int = 1) -> None:
        self.faults.add(method, "rate_limited", times=times, retry_after=retry_after)

    async def start(self, host: str, port: int) -> str:
        app = web.Application()
        app.router.add_route("*", "/api/{method}", self._api)
        app.router.add_post("/upload/{file_id}", self._upload)
        app.router.add_get("/files/{file_id}/{name}", self._download)
        app.router.add_post("/response/{token}", self._response)
        app.router.add_get(LINK_PATH, self.sockets.serve_link)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        self.faults.open()
        await web.TCPSite(self._runner, host, port).start()
        bound_port = self._runner.addresses[0][1]
        self.sockets.base_url = f"http://{host}:{bound_port}"
        return self.sockets.base_url

    async def stop(self) -> None:
        self.faults.release()  # hanging and late calls end, so cleanup does not wait on them
        await self.sockets.close()
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    async def _api(self, request: web.Request) -> web.StreamResponse:
        method = request.match_info["method"]
        if self.latency:
            await asyncio.sleep(self.latency)
        args = await _read_args(request)
        token = _bearer(request) or str(args.pop("token", "") or "")
        args.pop("token", None)
        if method == OAUTH_ACCESS and self.oauth is not None:  # client id and secret, no token
            body = self.oauth.access(args, request.headers.get("Authorization", ""))
            self.calls.append(Call(method, args, bool(body["ok"]), body.get("error")))
            return web.json_response(body)
        refused = self._refused(method, token)
        fault = None if refused else self.faults.take(method)
        if fault is not None and fault.kind in INSTEAD_OF_WORK:
            self.calls.append(Call(method, args, False, fault.recorded_error(), fault.kind))
            return await self.faults.instead_of_work(request, fault)
        body = refused or await self._work(method, args, token)
        kind = fault.kind if fault else None
        self.calls.append(Call(method, args, bool(body["ok"]), body.get("error"), kind))
        if fault is not None:
            return await self.faults.after_work(request, fault, body)
        return web.json_response(body)

    def _refused(self, method: str, token: str) -> dict[str, Any] | None:
        if not token:
            return {"ok": False, "error": "not_authed"}
        refused = self.sockets.token_problem(method, token)  # app-level tokens (Socket Mode)
        if refused is not None:
            return {"ok": False, "error": refused}
        if method == OPEN_METHOD:
            return None
        install = self.ws.installs.find(token)
        if install is None:
            return {"ok": False, "error": "invalid_auth"}
        if install.revoked:  # the app was removed: Slack's answer for its bot token
            return {"ok": False, "error": "account_inactive"}
        return None

    async def _work(self, method: str, args: dict[str, Any], token: str) -> dict[str, Any]:
        emitted = self.ws.bus.emitted
        install = self.ws.installs.find(token)
        if method == OPEN_METHOD or install is None:
            body = {"ok": True, **self.sockets.open()}
        else:
            body = self._dispatch(method, args, install)
        if self.ws.events_first and self.ws.bus.emitted > emitted:
            # the events this call caused reach the app before its answer (not earlier
            # events: the one being delivered now may be waiting on this very call)
            await self.ws.bus.delivered_through(self.ws.bus.emitted)
        return body

    def _dispatch(self, method: str, args: dict[str, Any], install: Install) -> dict[str, Any]:
        """Answer for the token's installation, acting in the workspace the call is about."""
        handler = HANDLERS.get(method)
        if handler is None:
            return {"ok": False, "error": "unknown_method"}
        try:
            with self.ws.acting_as(install, grid.acting_team(self.ws, install, method, args)):
                return {"ok": True, **handler(self.ws, args)}
        except SlackError as error:
            return error.body()
        except Exception:
            log.exception("slackdouble failed answering %s", method)
            return {"ok": False, "error": "internal_error"}

    async def _upload(self, request: web.Request) -> web.Response:
        data = await request.read()
        if not methods_files.store_upload(self.ws, request.match_info["file_id"], data):
            return web.Response(status=404, text="file_not_found", content_type="text/plain")
        return web.Response(text=f"OK - {len(data)}", content_type="text/plain")

    async def _download(self, request: web.Request) -> web.Response:
        install = self.ws.installs.find(_bearer(request))
        if install is None or install.revoked:
            return web.Response(status=403, text="<html>Sign in to Slack</html>")
        file_id = request.match_info["file_id"]
        if file_id in self.redirects:
            return web.Response(status=302, headers={"Location": self.redirects[file_id]})
        slack_file = self.ws.files.get(file_id)
        if slack_file is None or slack_file.content is None:
            return web.Response(status=404, text="file_not_found")
        return web.Response(body=slack_file.content, content_type=slack_file.mimetype)

    async def _response(self, request: web.Request) -> web.Response:
        try:
            payload = json.loads(await request.text() or "{}")
        except json.JSONDecodeError:
            return web.Response(status=400, text="invalid_payload")
        if not isinstance(payload, dict):
            return web.Response(status=400, text="invalid_payload")
        status, text = self.responses.use(request.match_info["token"], payload)
        return web.Response(status=status, text=text, content_type="text/plain")


def _bearer(request: web.Request) -> str:
    header = request.headers.get("Authorization", "")
    return header[len("Bearer ") :].strip() if header.startswith("Bearer ") else ""


async def _read_args(request: web.Request) -> dict[str, Any]:
    args: dict[str, Any] = dict(request.query)
    if request.method == "POST" and request.can_read_body:
        args.update(await _read_body(request))
    return decode_json_fields({k: v for k, v in args.items() if v is not None})


async def _read_body(request: web.Request) -> dict[str, Any]:
    if request.content_type == "application/json":
        try:
            body = await request.json()
        except json.JSONDecodeError:
            return {}
        return body if isinstance(body, dict) else {}
    form = await request.post()
    return {k: v for k, v in form.items() if isinstance(v, str)}

"""The HTTP side of the double: routing, auth, latency, rate limits, failures, recording."""

from __future__ import annotations

import asyncio
import json
import logging
from dataclasses import dataclass
from typing import Any

from aiohttp import web

from app.slackdouble import (
    methods_chat,
    methods_conversations,
    methods_files,
    methods_history,
    methods_pins_users,
    methods_views,
)
from app.slackdouble.args import Handler, decode_json_fields
from app.slackdouble.errors import SlackError
from app.slackdouble.responses import ResponseUrls
from app.slackdouble.socket_mode import LINK_PATH, OPEN_METHOD, SocketModeServer
from app.slackdouble.workspace import Workspace

log = logging.getLogger(__name__)

HANDLERS: dict[str, Handler] = {
    **methods_chat.METHODS,
    **methods_conversations.METHODS,
    **methods_files.METHODS,
    **methods_history.METHODS,
    **methods_pins_users.METHODS,
    **methods_views.METHODS,
}


@dataclass
class Call:
    """One Web API call the double answered."""

    method: str
    args: dict[str, Any]
    ok: bool
    error: str | None


class ApiServer:
    """Serves a Workspace over HTTP the way slack.com does."""

    def __init__(
        self,
        ws: Workspace,
        responses: ResponseUrls,
        latency: float,
        sockets: SocketModeServer | None = None,
    ) -> None:
        self.ws = ws
        self.responses = responses
        self.latency = latency
        self.sockets = sockets or SocketModeServer(bot_token=ws.token, ids=ws.ids)
        self.calls: list[Call] = []
        self._failures: dict[str, list[str]] = {}
        self._rate_limits: dict[str, list[int]] = {}
        self.redirects: dict[str, str] = {}  # file id -> where its download redirects
        self._runner: web.AppRunner | None = None

    def fail_next(self, method: str, error: str, times: int = 1) -> None:
        self._failures.setdefault(method, []).extend([error] * times)

    def rate_limit_next(self, method: str, times: int = 1, retry_after: int = 1) -> None:
        self._rate_limits.setdefault(method, []).extend([retry_after] * times)

    async def start(self, host: str, port: int) -> str:
        app = web.Application()
        app.router.add_route("*", "/api/{method}", self._api)
        app.router.add_post("/upload/{file_id}", self._upload)
        app.router.add_get("/files/{file_id}/{name}", self._download)
        app.router.add_post("/response/{token}", self._response)
        app.router.add_get(LINK_PATH, self.sockets.serve_link)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        await web.TCPSite(self._runner, host, port).start()
        bound_port = self._runner.addresses[0][1]
        self.sockets.base_url = f"http://{host}:{bound_port}"
        return self.sockets.base_url

    async def stop(self) -> None:
        await self.sockets.close()
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    async def _api(self, request: web.Request) -> web.Response:
        method = request.match_info["method"]
        if self.latency:
            await asyncio.sleep(self.latency)
        args = await _read_args(request)
        token = _bearer(request) or str(args.pop("token", "") or "")
        args.pop("token", None)
        emitted = self.ws.bus.emitted
        status, body, headers = self._answer(method, args, token)
        if self.ws.events_first and self.ws.bus.emitted > emitted:
            # the events this call caused reach the app before its answer (not earlier
            # events: the one being delivered now may be waiting on this very call)
            await self.ws.bus.delivered_through(self.ws.bus.emitted)
        self.calls.append(Call(method, args, bool(body["ok"]), body.get("error")))
        return web.json_response(body, status=status, headers=headers)

    def _answer(
        self, method: str, args: dict[str, Any], token: str
    ) -> tuple[int, dict[str, Any], dict[str, str]]:
        if not token:
            return 200, {"ok": False, "error": "not_authed"}, {}
        refused = self.sockets.token_problem(method, token)  # app-level tokens (Socket Mode)
        if refused is not None:
            return 200, {"ok": False, "error": refused}, {}
        if token != self.ws.token and method != OPEN_METHOD:
            return 200, {"ok": False, "error": "invalid_auth"}, {}
        if self._rate_limits.get(method):
            retry_after = self._rate_limits[method].pop(0)
            headers = {"Retry-After": str(retry_after)}
            return 429, {"ok": False, "error": "ratelimited"}, headers
        if self._failures.get(method):
            return 200, {"ok": False, "error": self._failures[method].pop(0)}, {}
        if method == OPEN_METHOD:
            return 200, {"ok": True, **self.sockets.open()}, {}
        return 200, self._dispatch(method, args), {}

    def _dispatch(self, method: str, args: dict[str, Any]) -> dict[str, Any]:
        handler = HANDLERS.get(method)
        if handler is None:
            return {"ok": False, "error": "unknown_method"}
        try:
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
        if _bearer(request) != self.ws.token:
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

"""Slack's Socket Mode, served by the double: apps.connections.open, then a WebSocket link.

The protocol, as Slack documents it and slack-sdk speaks it:
- `apps.connections.open`, authorised by an app-level `xapp-` token, returns a one-use URL
  (`wss://wss-primary.slack.com/link/?ticket=…&app_id=…`; here `ws://127.0.0.1:…/link/?…`).
- On connecting, Slack sends `{"type": "hello", "num_connections", "debug_info",
  "connection_info": {"app_id"}}`.
- Each request is an envelope `{"envelope_id", "type": events_api|slash_commands|interactive,
  "payload", "accepts_response_payload", ("retry_attempt", "retry_reason")}`; the app acks it
  with `{"envelope_id", "payload"?}` on the same socket.
- `{"type": "disconnect", "reason": "refresh_requested"|"link_disabled"|"warning",
  "debug_info"}` asks the app to open a new link through apps.connections.open again.
"""

from __future__ import annotations

import asyncio
import json
import time
from dataclasses import dataclass
from typing import Any

from aiohttp import WSMsgType, web

from app.slackdouble.ids import IdSource
from app.slackdouble.viewstore import APP_ID

OPEN_METHOD = "apps.connections.open"
LINK_PATH = "/link/"
DEBUG_HOST = "applink-double-1"


class Link:
    """One open WebSocket link to the app."""

    def __init__(self, socket: web.WebSocketResponse) -> None:
        self.socket = socket
        self.closed = False
        self.disconnecting = False

    async def send(self, message: dict[str, Any]) -> None:
        await self.socket.send_str(json.dumps(message))

    async def send_disconnect(self, reason: str) -> None:
        """Slack's `disconnect`; for link_disabled Slack also closes the socket itself."""
        self.disconnecting = True
        await self.send(
            {"type": "disconnect", "reason": reason, "debug_info": {"host": DEBUG_HOST}}
        )
        if reason == "link_disabled":
            await self.close()

    async def close(self) -> None:
        if not self.socket.closed:
            await self.socket.close()
        self.closed = True


@dataclass
class Ack:
    """An app's acknowledgement of one envelope, as it arrived."""

    envelope_id: str
    payload: dict[str, Any] | None
    at: float


class SocketModeServer:
    """Socket Mode for one app: its app token, open links, envelopes sent and acks received."""

    def __init__(
        self, *, app_token: str | None = None, bot_token: str = "", ids: IdSource | None = None
    ) -> None:
        self.app_token = app_token
        self.ids = ids or IdSource()
        self.bot_token = bot_token
        self.revoked = False
        self.base_url = ""  # http://host:port of the double, set when it starts
        self.links: list[Link] = []
        self.acks: dict[str, Ack] = {}
        self.sent: list[dict[str, Any]] = []
        self.opened = 0  # apps.connections.open calls answered with a URL
        self._tickets: set[str] = set()
        self._changed = asyncio.Condition()

    # -- the Web API side ----------------------------------------------------------------
    def token_problem(self, method: str, token: str) -> str | None:
        """Slack's error for this token on this method, or None when it may call it."""
        if method != OPEN_METHOD:
            return "not_allowed_token_type" if token == self.app_token else None
        if token == self.bot_token or not token.startswith("xapp-"):
            return "not_allowed_token_type" if token.startswith("xox") else "invalid_auth"
        if token != self.app_token:
            return "invalid_auth"
        return "token_revoked" if self.revoked else None

    def open(self) -> dict[str, Any]:
        """The body of a successful apps.connections.open: a one-use link URL."""
        ticket = self.ids.of("socket").token_hex(16)
        self._tickets.add(ticket)
        self.opened += 1
        ws_base = "ws" + self.base_url.removeprefix("http")
        return {"url": f"{ws_base}{LINK_PATH}?ticket={ticket}&app_id={APP_ID}"}

    def revoke(self) -> None:
        """The app-level token is revoked: apps.connections.open answers token_revoked."""
        self.revoked = True

    # -- the WebSocket side ----------------------------------------------------------------
    async def serve_link(self, request: web.Request) -> web.StreamResponse:
        ticket = request.query.get("ticket", "")
        if ticket not in self._tickets or request.query.get("app_id") != APP_ID:
            return web.Response(status=401, text="invalid_ticket")
        self._tickets.discard(ticket)
        socket = web.WebSocketResponse()
        await socket.prepare(request)
        link = Link(socket)
        await link.send(self._hello(len(self.live_links()) + 1))
        await self._add(link)
        try:
            async for message in socket:
                if message.type == WSMsgType.TEXT:
                    await self._receive(message.data)
        finally:
            link.closed = True
            await self._notify()
        return socket

    def _hello(self, connections: int) -> dict[str, Any]:
        return {
            "type": "hello",
            "num_connections": connections,
            "debug_info": {
                "host": DEBUG_HOST,
                "build_number": 1,
                "approximate_connection_time": 18060,
            },
            "connection_info": {"app_id": APP_ID},
        }

    async def _add(self, link: Link) -> None:
        self.links.append(link)
        await self._notify()

    async def _receive(self, data: str) -> None:
        try:
            message = json.loads(data)
        except json.JSONDecodeError:
            return
        if isinstance(message, dict) and isinstance(message.get("envelope_id"), str):
            payload = message.get("payload")
            body = payload if isinstance(payload, dict) else None
            ack = Ack(message["envelope_id"], body, time.monotonic())
            self.acks.setdefault(ack.envelope_id, ack)
            await self._notify()

    async def _notify(self) -> None:
        async with self._changed:
            self._changed.notify_all()

    async def _wait(self, condition: Any, timeout: float, what: str) -> Any:
        try:
            async with self._changed:
                return await asyncio.wait_for(self._changed.wait_for(condition), timeout)
        except TimeoutError:
            raise TimeoutError(f"Socket Mode: {what} within {timeout}s") from None

    def live_links(self) -> list[Link]:
        return [link for link in self.links if not link.closed and not link.disconnecting]

    async def wait_connected(self, count: int = 1, timeout: float = 10.0) -> None:
        """Until `count` links are open and not asked to disconnect."""
        await self._wait(lambda: len(self.live_links()) >= count, timeout, "no app connected")

    # -- envelopes ------------------------------------------------------------------------
    async def send(
        self,
        kind: str,
        payload: dict[str, Any],
        *,
        accepts_response_payload: bool = False,
        retry_attempt: int | None = None,
        retry_reason: str | None = None,
        timeout: float = 10.0,
    ) -> str:
        """Send an envelope on the newest live link (waiting for one); its envelope_id."""
        await self.wait_connected(timeout=timeout)
        envelope: dict[str, Any] = {
            "envelope_id": self.ids.of("socket").uuid4(),
            "payload": payload,
            "type": kind,
            "accepts_response_payload": accepts_response_payload,
        }
        if kind == "events_api":
            envelope.update(retry_attempt=retry_attempt or 0, retry_reason=retry_reason or "")
        self.sent.append(envelope)
        await self.live_links()[-1].send(envelope)
        return str(envelope["envelope_id"])

    async def ack_for(self, envelope_id: str, timeout: float = 10.0) -> Ack:
        """The app's ack of this envelope, once it arrives."""
        await self._wait(lambda: envelope_id in self.acks, timeout, f"no ack for {envelope_id}")
        return self.acks[envelope_id]

    async def disconnect(self, reason: str = "refresh_requested") -> int:
        """Ask every live link to go away, as Slack does; returns how many were asked."""
        asked = self.live_links()
        for link in asked:
            await link.send_disconnect(reason)
        await self._notify()
        return len(asked)

    async def close(self) -> None:
        for link in self.links:
            await link.close()

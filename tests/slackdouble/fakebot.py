"""A tiny stand-in for the bot's endpoint that verifies signatures like Bolt does."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qsl

from aiohttp import web
from slack_sdk.signature import SignatureVerifier

SECRET = "shhh-signing-secret"


@dataclass
class FakeBot:
    """Records what arrives; answers with `reply(parsed)` (default: empty 200)."""

    verifier: SignatureVerifier = field(default_factory=lambda: SignatureVerifier(SECRET))
    received: list[dict[str, Any]] = field(default_factory=list)
    headers: list[dict[str, str]] = field(default_factory=list)
    reply: Callable[[dict[str, Any]], web.Response] = lambda parsed: web.Response(text="")

    async def handle(self, request: web.Request) -> web.Response:
        body = await request.text()
        if not self.verifier.is_valid_request(body, dict(request.headers)):
            return web.Response(status=401, text="invalid signature")
        parsed = parse_body(body, request.content_type)
        self.received.append(parsed)
        self.headers.append(dict(request.headers))
        return self.reply(parsed)


def parse_body(body: str, content_type: str) -> dict[str, Any]:
    if content_type == "application/json":
        return dict(json.loads(body))
    form = dict(parse_qsl(body, keep_blank_values=True))
    return json.loads(form["payload"]) if "payload" in form else form

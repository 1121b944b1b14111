"""SocketModeDriver: what SlackDriver sends over HTTP, delivered as Socket Mode envelopes.

It reuses every payload SlackDriver builds (commands, clicks, submissions, events) and only
changes the transport: the HTTP body becomes an envelope's `payload`, the bot's ack becomes
the response (an ack's payload is what the bot would have answered in the HTTP body).
"""

from __future__ import annotations

import json
import time
from typing import Any
from urllib.parse import parse_qs

from app.slackdouble.double import SlackDouble
from app.slackdouble.driver import FORM, DriverResponse, SlackDriver

# interactive payload types whose ack may carry a response (Slack's accepts_response_payload)
RESPONDING = frozenset({"view_submission", "block_suggestion", "view_closed"})


def envelope_of(
    body: str, content_type: str, headers: dict[str, str] | None = None
) -> tuple[str, dict[str, Any], dict[str, Any]]:
    """(envelope type, payload, other envelope fields) for what would be an HTTP request."""
    headers = headers or {}
    if content_type.startswith("application/json"):
        retry = headers.get("X-Slack-Retry-Num")
        return (
            "events_api",
            json.loads(body),
            {
                "retry_attempt": int(retry) if retry else 0,
                "retry_reason": headers.get("X-Slack-Retry-Reason", "") if retry else "",
            },
        )
    fields = {key: values[0] for key, values in parse_qs(body, keep_blank_values=True).items()}
    if "payload" in fields:
        payload = json.loads(fields["payload"])
        responds = payload.get("type") in RESPONDING
        return "interactive", payload, {"accepts_response_payload": responds}
    return "slash_commands", fields, {"accepts_response_payload": True}


class SocketModeDriver(SlackDriver):
    """A SlackDriver whose requests travel over the double's Socket Mode link."""

    def __init__(
        self, double: SlackDouble, *, team_id: str = "T0CRISIS", ack_timeout: float = 10.0
    ) -> None:
        super().__init__(double, "", "", team_id=team_id)
        self.ack_timeout = ack_timeout

    async def post_raw(
        self,
        body: str,
        *,
        content_type: str = FORM,
        timestamp: int | None = None,
        signature: str | None = None,
        headers: dict[str, str] | None = None,
    ) -> DriverResponse:
        """Send as an envelope and wait for its ack (timestamp and signature are not used)."""
        kind, payload, extra = envelope_of(body, content_type, headers)
        started = time.perf_counter()
        sockets = self.double.socket_mode
        envelope_id = await sockets.send(kind, payload, timeout=self.ack_timeout, **extra)
        ack = await sockets.ack_for(envelope_id, timeout=self.ack_timeout)
        elapsed = time.perf_counter() - started
        text = json.dumps(ack.payload) if ack.payload else ""
        return DriverResponse(200, text, elapsed, {"X-Envelope-Id": envelope_id})

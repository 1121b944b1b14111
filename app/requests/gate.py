"""The gate in front of Bolt: signed, well-formed and never seen before, or refused.

This is the one signature check of HTTP mode (Bolt's own is off: app/main.py `_bolt`), and the
one parse of the body (`Verdict.body` is what Bolt is handed). Order matters: the signature is
checked first (so unsigned junk gets 401 and never touches the database), then the shape (400
for what Slack never sends), then the replay memory (one small INSERT, group-committed).

What waits for the replay mark depends on what the request does:
- a message, reaction or pin event (its only effect is a write the database deduplicates)
  runs while its mark is written, so both ride one group commit; its answer still waits for
  the mark (`Verdict.marked`);
- a command or interaction is acknowledged while its mark is written; whatever its listener
  does after `ack()` waits for the mark, and a replay runs nothing (`Verdict.mark`, awaited by
  app/slack/ack_after_mark.py);
- any other event waits for its mark before it runs; a replay of one gets 200 and runs nothing.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Mapping
from dataclasses import dataclass, field
from typing import Any

from slack_sdk.signature import SignatureVerifier

from app.errors import CrisisError
from app.requests.replay import ReplayGuard
from app.requests.shape import Kind, Shape, classify

logger = logging.getLogger(__name__)

TIMESTAMP = "X-Slack-Request-Timestamp"
SIGNATURE = "X-Slack-Signature"
ACKED_FIRST = frozenset({Kind.COMMAND, Kind.INTERACTION})  # acked while their mark is written


@dataclass(frozen=True)
class Verdict:
    """What to answer instead of running the request (`status` 0: hand `body` to Bolt)."""

    status: int = 0
    error: str = ""
    kind: Kind | None = None
    body: dict[str, Any] = field(default_factory=dict)  # the request, parsed once
    text: str = ""  # the request's body as it came (what was signed)
    # An idempotent event runs while its replay mark is written: await this before answering.
    marked: Awaitable[bool] | None = None
    # A command or interaction: its ack need not wait, but whatever follows the ack must.
    mark: asyncio.Future[bool] | None = None


class RequestGate:
    """Checks each request at POST /slack/events before Bolt dispatches it."""

    def __init__(
        self,
        *,
        signing_secret: str,
        replays: ReplayGuard,
        idempotent_events: frozenset[str] = frozenset(),
    ) -> None:
        if not signing_secret.strip():
            raise CrisisError("SLACK_SIGNING_SECRET is empty: HTTP mode needs the app's secret")
        self.verifier = SignatureVerifier(signing_secret, clock=replays.clock)
        self.replays = replays
        # Events whose only effect is a write the database deduplicates (a message stored
        # twice is stored once): they need not wait for their replay mark before running.
        self.idempotent_events = idempotent_events

    async def unserved(self, headers: Mapping[str, str]) -> None:
        """The bot answered this verified request with a 5xx: Slack will send it again, and
        its retry (same body, maybe the same second, so the same signature) must run."""
        await self.replays.forget(signature=headers.get(SIGNATURE, ""))

    async def check(self, body: bytes, headers: Mapping[str, str], content_type: str) -> Verdict:
        text = _utf8(body)
        shape = classify(text, content_type) if text is not None else Shape(None, "not UTF-8")
        if shape.kind is Kind.SSL_CHECK:
            return Verdict(200, kind=shape.kind)  # runs nothing; Slack may send it unsigned
        timestamp, signature = headers.get(TIMESTAMP, ""), headers.get(SIGNATURE, "")
        if text is None or not self._signed(text, timestamp, signature):
            logger.info("refused a Slack request with a missing or invalid signature")
            return Verdict(401, "invalid request")
        if not shape.ok:
            logger.warning("refused a malformed Slack request: %s", shape.problem)
            return Verdict(400, "malformed request")
        return await self._marking(shape, text, signature, timestamp)

    async def _marking(self, shape: Shape, text: str, signature: str, timestamp: str) -> Verdict:
        """Start writing the request's replay mark; wait for it only where nothing else does."""
        first_use = self.replays.first_use(signature=signature, signed_at=int(timestamp))
        if shape.event_type in self.idempotent_events:
            marked = asyncio.ensure_future(_noted(first_use, shape.event_type, timestamp))
            return Verdict(kind=shape.kind, body=shape.body, text=text, marked=marked)
        if shape.kind in ACKED_FIRST:
            mark = asyncio.ensure_future(first_use)
            return Verdict(kind=shape.kind, body=shape.body, text=text, mark=mark)
        if await first_use:
            return Verdict(kind=shape.kind, body=shape.body, text=text)
        logger.warning("refused a replayed Slack %s signed at %s", shape.kind, timestamp)
        return Verdict(200, kind=shape.kind)  # a 2xx so Slack stops; it already ran once

    def _signed(self, text: str, timestamp: str, signature: str) -> bool:
        if not timestamp.isdigit() or len(timestamp) > 12 or not signature:
            return False
        return self.verifier.is_valid(text, timestamp, signature)


async def _noted(first_use: Awaitable[bool], event_type: str | None, timestamp: str) -> bool:
    if not await first_use:
        logger.warning(
            "a replayed Slack %s event signed at %s ran again and stored nothing new",
            event_type,
            timestamp,
        )
        return False
    return True


def _utf8(body: bytes) -> str | None:
    try:
        return body.decode("utf-8")
    except UnicodeDecodeError:
        return None

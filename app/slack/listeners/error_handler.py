"""The one place errors become words: domain errors to the person, the rest to the log."""

from __future__ import annotations

import logging
import secrets
from typing import Any

from slack_bolt.async_app import AsyncApp

from app.deps import Deps
from app.errors import CrisisError
from app.slack.reply import Replier

logger = logging.getLogger("app.errors")


def register(app: AsyncApp) -> None:
    app.error(handle_error)


async def handle_error(error: Exception, body: dict[str, Any], context: Any) -> None:
    deps: Deps | None = context.get("deps") if context else None
    if isinstance(error, CrisisError):
        logger.info("refused %s: %s", _what(body), error.message)
        text = f":warning: {error.message}"
    else:
        error_id = secrets.token_hex(4)
        logger.exception("error %s while handling %s", error_id, _what(body), exc_info=error)
        text = (
            f":x: Something went wrong on our side (error id `{error_id}`). "
            "Nothing you typed caused it; try again, and quote the id if it persists."
        )
    if deps is None:
        return
    reply = Replier.from_body(deps.slack.client, body)
    if not reply.user_id:
        return
    try:
        await reply.send(text)
    except Exception:
        logger.exception("could not tell %s about an error", reply.user_id)


def _what(body: dict[str, Any]) -> str:
    if body.get("command"):
        return f"{body['command']} {str(body.get('text', ''))[:60]!r}"
    kind = body.get("type") or (body.get("event") or {}).get("type") or "request"
    return str(kind)

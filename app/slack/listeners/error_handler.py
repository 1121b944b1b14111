"""The one place errors become words: domain errors to the person, the rest to the log.

A `CrisisError` becomes one ephemeral line through `error_line()` (app/slack/blocks/error_lines.py),
which escapes its plain text once and builds any mention or date from the ids it carries.

Listeners are wrapped in `guarded` so their errors never propagate into Bolt's runner: when a
listener raises within Bolt's 10 ms ack poll, the runner overwrites the ack it already has with
None, so Slack would wait 3 seconds and be told the request was unhandled. `@app.error` still
catches anything raised outside a listener (middleware) through the same `report`.

A replayed command or click raises `Replayed` from its `ack()` (app/slack/ack_after_mark.py):
Slack has its answer, the rest of the listener does not run, and all that is left is one
warning in the log (what kind of request, never what it said); the person hears nothing.
"""

from __future__ import annotations

import contextlib
import functools
import logging
import secrets
from collections.abc import Awaitable, Callable
from typing import Any

from slack_bolt.async_app import AsyncApp

from app.errors import CrisisError
from app.flows.deps import Deps
from app.flows.outage import tell_admins
from app.slack.ack_after_mark import Replayed
from app.slack.blocks.error_lines import error_line
from app.slack.reply import Replier
from app.store.trouble import database_trouble

logger = logging.getLogger("app.errors")

Listener = Callable[..., Awaitable[None]]


def register(app: AsyncApp) -> None:
    app.error(handle_error)


def guarded(listener: Listener) -> Listener:
    @functools.wraps(listener)
    async def run(**kwargs: Any) -> None:
        deps = kwargs.get("deps")  # its `work` counts this listener until it ends
        with deps.work.running() if isinstance(deps, Deps) else contextlib.nullcontext():
            try:
                await listener(**kwargs)
            except Exception as error:
                body = kwargs.get("body") or kwargs.get("command") or {}
                await report(error, body, deps)

    return run


async def handle_error(error: Exception, body: dict[str, Any], context: Any) -> None:
    await report(error, body, context.get("deps") if context else None)


async def report(error: Exception, body: dict[str, Any], deps: Deps | None) -> None:
    if isinstance(error, Replayed):
        logger.warning("a replayed %s was acknowledged and ran nothing", _what(body))
        return
    if isinstance(error, CrisisError):
        # the kind of refusal, not its words: they can quote what the person typed
        logger.info("refused %s: %s", _what(body), type(error).__name__)
        text = f":warning: {error_line(error)}"
    elif (trouble := database_trouble(error)) is not None:
        error_id = secrets.token_hex(4)
        logger.error("error %s while handling %s: %s", error_id, _what(body), trouble)
        text = (
            f":x: That could not be saved: {trouble}. The war room keeps working; tell your "
            f"admin (error id `{error_id}`), then try again."
        )
        if deps is not None:
            await tell_admins(deps, trouble, error_id)
    else:
        error_id = secrets.token_hex(4)
        logger.error("error %s while handling %s", error_id, _what(body), exc_info=error)
        text = (
            f":x: Something went wrong on our side (error id `{error_id}`). "
            "Nothing you typed caused it; try again, and quote the id if it persists."
        )
    reply = Replier.from_body(deps.slack, body) if deps else None
    if reply is None or not reply.user_id:
        return
    try:
        await reply.send(text)
    except Exception:
        logger.exception("could not tell %s about an error", reply.user_id)


def _what(body: dict[str, Any]) -> str:
    if body.get("command"):  # the verb only: what follows it can be a confidential title
        verb = next(iter(str(body.get("text", "")).split()), "")
        return f"{body['command']} {verb[:20]!r}"
    kind = body.get("type") or (body.get("event") or {}).get("type") or "request"
    return str(kind)

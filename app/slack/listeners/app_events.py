"""Events Slack sends without a subscription: the app's own state, never "Unhandled request".

- `app_rate_limited` (no inner event: the whole body is `{"type": "app_rate_limited", …}`):
  Slack is dropping the app's events for a while. Logged as a warning; every open incident is
  then reconciled from history at once, and marked for the periodic catch-up
  (app/flows/catch_up.py), which reads what was dropped after this moment too.
- An event Slack sends again (`X-Slack-Retry-Num`, any `X-Slack-Retry-Reason`: http_timeout,
  connection_failed, ssl_error, too_many_redirects, http_error, unknown_error): Slack had
  trouble delivering, and gives up on an event after three retries, so every open incident
  is marked for the catch-up (the retried event itself is handled as usual).
- `tokens_revoked` naming the bot, and `app_uninstalled`: the bot token is dead. The gateway
  stops using it (every call fails fast, saying why), the log says so, `/healthz` answers
  503 with the reason until the bot is restarted with a new token, and the audit trail and
  every open incident's legal record get an entry saying so (app/flows/uninstall.py).
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from typing import Any

from slack_bolt.async_app import AsyncApp
from slack_bolt.middleware.async_middleware import AsyncMiddleware
from slack_bolt.request.async_request import AsyncBoltRequest
from slack_bolt.response import BoltResponse

from app.flows.deps import Deps
from app.flows.reconcile import start_recovery
from app.flows.uninstall import stopped_by_slack
from app.slack.listeners.error_handler import guarded
from app.slack.teams import request_team
from app.store.workspace import Workspace

logger = logging.getLogger(__name__)

RATE_LIMITED = "app_rate_limited"


def register(app: AsyncApp) -> None:
    app.use(OnRateLimited())
    app.event("tokens_revoked")(guarded(handle_tokens_revoked))
    app.event("app_uninstalled")(guarded(handle_app_uninstalled))


class OnRateLimited(AsyncMiddleware):
    """A middleware, because Bolt's listeners only match event callbacks: answers 200 to
    `app_rate_limited` (marking every open incident for catch-up) and passes every other
    request on (a middleware class: Bolt calls it directly, with no per-request argument
    building). An event Slack sends again marks nothing: its retry is stored once, and what
    Slack may have given up on meanwhile is recent history, which every open incident's
    routine catch-up look reads within 5 minutes."""

    async def async_process(
        self,
        *,
        req: AsyncBoltRequest,
        resp: BoltResponse,
        next: Callable[[], Awaitable[BoltResponse]],
    ) -> BoltResponse | None:
        if req.body.get("type") != RATE_LIMITED:
            return await next()
        rate_limited(req.body, req.context.get("deps"))
        return BoltResponse(status=200, body="")


def rate_limited(body: dict[str, Any], deps: Deps | None) -> None:
    logger.warning(
        "Slack is rate-limiting this app's events (since minute %s, team %s): events are being "
        "dropped; reconciling the open incidents from history",
        body.get("minute_rate_limited"),
        body.get("team_id"),
    )
    if isinstance(deps, Deps):
        deps.gaps.everywhere(deps.clock.now())  # events are dropped for the rest of the minute
        start_recovery(deps)


async def handle_tokens_revoked(event: dict[str, Any], body: dict[str, Any], deps: Deps) -> None:
    tokens = event.get("tokens")
    revoked = (tokens.get("bot") if isinstance(tokens, dict) else None) or []
    team, org_wide = _uninstalled_from(body, deps)
    bot = (await deps.on(team)).slack.bot_user_id
    if bot and bot not in revoked:
        logger.info("Slack revoked other tokens of this app (not the bot's): %s", tokens)
        return
    reason = "Slack revoked the bot token (tokens_revoked)"
    await stopped_by_slack(
        deps, event_type="tokens_revoked", reason=reason, team=team, org_wide=org_wide
    )


async def handle_app_uninstalled(body: dict[str, Any], deps: Deps) -> None:
    reason = "the app was uninstalled from the workspace (app_uninstalled)"
    team, org_wide = _uninstalled_from(body, deps)
    await stopped_by_slack(
        deps, event_type="app_uninstalled", reason=reason, team=team, org_wide=org_wide
    )


def _uninstalled_from(body: dict[str, Any], deps: Deps) -> tuple[Workspace, bool]:
    """The workspace (or, for an org-wide install, the Grid org) Slack stopped the app in: an
    org-wide install's news names the org alone (or says `is_enterprise_install`)."""
    enterprise = body.get("enterprise_id")
    if body.get("is_enterprise_install") or (enterprise and not body.get("team_id")):
        return Workspace("", str(enterprise) if enterprise else None), True
    return request_team(body, deps.slack), False

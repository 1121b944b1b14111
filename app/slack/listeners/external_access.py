"""Legal's Allow / Decline on the card about outside people in a SEV1 war room (checked on
the server at every click: only Legal decides, once)."""

from __future__ import annotations

from typing import Any

from slack_bolt.async_app import AsyncAck, AsyncApp

from app.flows import external_access
from app.flows.deps import Deps
from app.slack.blocks.external_access import load_access_id
from app.slack.blocks.external_ids import ALLOW, DECLINE
from app.slack.listeners.error_handler import guarded
from app.slack.reply import Replier


def register(app: AsyncApp) -> None:
    app.action(ALLOW)(guarded(handle_allow))
    app.action(DECLINE)(guarded(handle_decline))


async def handle_allow(ack: AsyncAck, body: dict[str, Any], deps: Deps) -> None:
    await ack()
    await _decide(body, deps, allow=True)


async def handle_decline(ack: AsyncAck, body: dict[str, Any], deps: Deps) -> None:
    await ack()
    await _decide(body, deps, allow=False)


async def _decide(body: dict[str, Any], deps: Deps, *, allow: bool) -> None:
    access_id = load_access_id(body["actions"][0].get("value"))
    decision = await external_access.decide(deps, access_id, allow=allow, by=body["user"]["id"])
    await Replier.from_body(deps.slack, body).send(external_access.decision_line(decision))

"""A click on a metric alert: the lead's "Raise to SEVn" (checked on the server at the click)."""

from __future__ import annotations

from typing import Any

from slack_bolt.async_app import AsyncAck, AsyncApp

from app.flows import metric_alerts_raise
from app.flows.deps import Deps
from app.slack import ids
from app.slack.blocks.metric_alert import load_alert_id
from app.slack.listeners.error_handler import guarded


def register(app: AsyncApp) -> None:
    app.action(ids.METRIC_ALERT_RAISE)(guarded(handle_raise))


async def handle_raise(ack: AsyncAck, body: dict[str, Any], deps: Deps) -> None:
    await ack()
    alert_id = load_alert_id(body["actions"][0].get("value"))
    await metric_alerts_raise.raise_severity(deps, alert_id, by=body["user"]["id"])

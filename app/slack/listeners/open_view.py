"""Submitting the open-incident modal."""

from __future__ import annotations

from typing import Any

from slack_bolt.async_app import AsyncAck, AsyncApp

from app.flows.deps import Deps
from app.flows.incidents import OpenRequest, open_incident
from app.slack import ids
from app.slack.blocks.open_modal import OpenOrigin, read_open_form
from app.slack.listeners.error_handler import guarded
from app.slack.listeners.open_reply import open_outcome_text
from app.slack.reply import Replier
from app.slack.teams import request_team


def register(app: AsyncApp) -> None:
    app.view(ids.OPEN_INCIDENT_VIEW)(guarded(handle_open_submission))


async def handle_open_submission(ack: AsyncAck, body: dict[str, Any], deps: Deps) -> None:
    form, errors = read_open_form(body["view"]["state"]["values"])
    if form is None:
        await ack(response_action="errors", errors=errors)
        return
    await ack()
    origin = OpenOrigin.load(body["view"].get("private_metadata"))
    user = body["user"]["id"]
    reply = Replier(deps.slack, user, origin.channel_id or None, origin.response_url)
    request = OpenRequest(
        title=form.title,
        opened_by=user,
        severity=form.severity,
        kind=form.kind,
        summary=form.summary,
        invitees=form.invitees,
        crisis_kind=form.crisis_kind,
        team=request_team(body, deps.slack),
    )
    outcome = await open_incident(deps, request)
    await reply.send(open_outcome_text(outcome))

"""Submitted approval forms: propose, reason for a decision, revision, done."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from slack_bolt.async_app import AsyncAck, AsyncApp

from app.flows import approvals as flows
from app.flows.deps import Deps
from app.slack import ids
from app.slack.blocks.approvals.decision_modals import (
    read_done_form,
    read_reason_form,
    read_revise_form,
)
from app.slack.blocks.approvals.propose_modal import read_propose_form
from app.slack.listeners.error_handler import guarded

Reader = Callable[[dict[str, Any], str | None], tuple[Any, dict[str, str]]]
Flow = Callable[..., Awaitable[Any]]

FORMS: dict[str, tuple[Reader, Flow]] = {
    ids.PROPOSE_VIEW: (read_propose_form, flows.propose),
    ids.REASON_VIEW: (read_reason_form, flows.decide_with_reason),
    ids.REVISE_VIEW: (read_revise_form, flows.revise),
    ids.DONE_VIEW: (read_done_form, flows.mark_done),
}


def register(app: AsyncApp) -> None:
    for callback_id in FORMS:
        app.view(callback_id)(guarded(handle_submission))


async def handle_submission(ack: AsyncAck, body: dict[str, Any], deps: Deps) -> None:
    view = body["view"]
    reader, flow = FORMS[view["callback_id"]]
    form, errors = reader(view["state"]["values"], view.get("private_metadata"))
    if form is None:
        await ack(response_action="errors", errors=errors)
        return
    await ack()
    await flow(deps, form, by=body["user"]["id"])

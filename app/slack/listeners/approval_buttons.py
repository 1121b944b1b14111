"""Clicks on approval cards: authorization is checked on the server at every click."""

from __future__ import annotations

from typing import Any

from slack_bolt.async_app import AsyncAck, AsyncApp

from app.approvals.models import Decision
from app.flows import approvals as flows
from app.flows import variants as variant_flows
from app.flows.deps import Deps
from app.slack import ids
from app.slack.blocks.approvals.buttons import DECISIONS, action_id_of, load_value
from app.slack.blocks.approvals.decision_modals import done_modal, reason_modal, revise_modal
from app.slack.blocks.approvals.variants_ids import POST as POST_VARIANTS
from app.slack.listeners.error_handler import guarded


def register(app: AsyncApp) -> None:
    app.action(ids.APPROVE)(guarded(handle_approve))
    app.action(ids.REQUEST_CHANGES)(guarded(handle_ask_reason))
    app.action(ids.REJECT)(guarded(handle_ask_reason))
    app.action(ids.REVISE)(guarded(handle_revise))
    app.action(ids.MARK_DONE)(guarded(handle_mark_done))
    app.action(POST_VARIANTS)(guarded(handle_post_variants))


def _clicked(body: dict[str, Any]) -> tuple[str, dict[str, Any]]:
    return body["user"]["id"], body["actions"][0]


async def handle_approve(ack: AsyncAck, body: dict[str, Any], deps: Deps) -> None:
    await ack()
    user, action = _clicked(body)
    await flows.decide(deps, load_value(action.get("value")), Decision.APPROVE, by=user)


async def handle_ask_reason(ack: AsyncAck, body: dict[str, Any], deps: Deps) -> None:
    await ack()
    user, action = _clicked(body)
    value = load_value(action.get("value"))
    decision = DECISIONS[action["action_id"]]
    title = await flows.check_decision(deps, value, decision, user)
    view = reason_modal(
        action_id=value.action_id,
        revision=value.revision,
        role=value.role,
        decision=decision,
        action_title=title,
    )
    await deps.slack.open_view(body["trigger_id"], view)


async def handle_revise(ack: AsyncAck, body: dict[str, Any], deps: Deps) -> None:
    await ack()
    user, action = _clicked(body)
    action_id = action_id_of(action.get("value"))
    found, current = await variant_flows.check_reviser(deps, action_id, user)
    view = revise_modal(
        action=found,
        current_title=found.title,
        current_details=found.details,
        current_variants=current,
    )
    await deps.slack.open_view(body["trigger_id"], view)


async def handle_mark_done(ack: AsyncAck, body: dict[str, Any], deps: Deps) -> None:
    await ack()
    user, action = _clicked(body)
    found = await flows.check_finisher(deps, action_id_of(action.get("value")), user)
    await deps.slack.open_view(body["trigger_id"], done_modal(found))


async def handle_post_variants(ack: AsyncAck, body: dict[str, Any], deps: Deps) -> None:
    await ack()
    user, action = _clicked(body)
    await variant_flows.post_variants(deps, action_id_of(action.get("value")), by=user)

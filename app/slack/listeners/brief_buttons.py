"""Clicks on the brief: "Use a holding statement" (and the pick in its list), and the lead's
select that ticks or unticks a checklist step by hand."""

from __future__ import annotations

from typing import Any

from slack_bolt.async_app import AsyncAck, AsyncApp

from app.flows import brief_statement, playbook_hand_ticks
from app.flows.deps import Deps
from app.slack.blocks import brief_ids as ids
from app.slack.blocks import forms
from app.slack.blocks.brief_buttons import TickChoice, load_incident_id
from app.slack.listeners.error_handler import guarded


def register(app: AsyncApp) -> None:
    app.action(ids.USE_STATEMENT)(guarded(handle_use_statement))
    app.action(ids.PICK_STATEMENT)(guarded(handle_pick_statement))
    app.action(ids.TICK_STEP)(guarded(handle_tick_step))


async def handle_use_statement(ack: AsyncAck, body: dict[str, Any], deps: Deps) -> None:
    await ack()
    incident_id = load_incident_id(body["actions"][0].get("value"))
    await brief_statement.open_picker(
        deps, incident_id, trigger_id=body["trigger_id"], by=body["user"]["id"]
    )


async def handle_pick_statement(ack: AsyncAck, body: dict[str, Any], deps: Deps) -> None:
    await ack()
    view = body["view"]
    incident_id = int(forms.load(view.get("private_metadata"), "incident_id")["incident_id"])
    key = str(body["actions"][0].get("value") or "")
    await brief_statement.pick(deps, incident_id, key, view_id=view["id"], by=body["user"]["id"])


async def handle_tick_step(ack: AsyncAck, body: dict[str, Any], deps: Deps) -> None:
    await ack()
    chosen = body["actions"][0].get("selected_option") or {}
    choice = TickChoice.load(chosen.get("value"))
    await playbook_hand_ticks.set_by_hand(
        deps, choice.incident_id, choice.step, ticked=choice.ticked, by=body["user"]["id"]
    )

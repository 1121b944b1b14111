"""Updates: the update form (from `/crisis update` or a nudge's button), cadence, status,
resolve and reopen. `COMMAND_HANDLERS` is merged into the /crisis dispatcher."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from slack_bolt.async_app import AsyncAck, AsyncApp
from slack_sdk.models.views import View

from app.flows import updates as flows
from app.flows.deps import Deps
from app.flows.incidents import incident_here
from app.flows.metrics_manual import key_metrics_prefill
from app.incidents.models import Incident, Status
from app.slack import ids
from app.slack.blocks.updates import lines
from app.slack.blocks.updates.modals import (
    may_resolve,
    read_resolve_form,
    read_update_form,
    resolve_modal,
    update_modal,
)
from app.slack.commands.grammar import (
    PostUpdate,
    Reopen,
    Resolve,
    SetCadence,
    SetStatus,
    ShowCadence,
)
from app.slack.listeners.error_handler import guarded
from app.slack.reply import Replier
from app.updates.forms import ResolveForm

Handler = Callable[[Deps, Any, dict[str, Any], Replier], Awaitable[None]]
CANNOT_RESOLVE = (
    "Only the lead, an executive, whoever opened the incident or an admin can resolve it. "
    "Choose another status."
)


def register(app: AsyncApp) -> None:
    app.action(ids.POST_UPDATE)(guarded(handle_post_update_click))
    app.view(ids.UPDATE_VIEW)(guarded(handle_update_submission))
    app.view(ids.RESOLVE_VIEW)(guarded(handle_resolve_submission))


async def handle_post_update_click(ack: AsyncAck, body: dict[str, Any], deps: Deps) -> None:
    await ack()
    value = int(body["actions"][0].get("value") or 0)
    user = body["user"]["id"]
    incident = await flows.get_incident(deps, value, by=user)
    await flows.ensure_open(deps, incident)
    await deps.slack.open_view(body["trigger_id"], await _update_form(deps, incident, user))


async def _update_form(deps: Deps, incident: Incident, user: str) -> View:
    """The update form for `user`, saying whether they may resolve (looked up now, after the
    ack, so that the submission needs no look-up before its own)."""
    resolver = user if await flows.is_steward(deps, incident, user) else ""
    metrics = await key_metrics_prefill(deps, incident.id or 0)
    return update_modal(incident, resolver=resolver, metrics=metrics)


async def handle_update_submission(ack: AsyncAck, body: dict[str, Any], deps: Deps) -> None:
    """No look-up before the ack: who may resolve was put in the form when it was opened."""
    view, user = body["view"], body["user"]["id"]
    metadata = view.get("private_metadata")
    form, errors = read_update_form(view["state"]["values"], metadata)
    if form and form.draft.status == Status.RESOLVED and not may_resolve(metadata, user):
        form, errors = None, {ids.UPDATE_STATUS: CANNOT_RESOLVE}
    if form is None:
        await ack(response_action="errors", errors=errors)
        return
    await ack()
    await flows.post_update(deps, form, by=user)


async def handle_resolve_submission(ack: AsyncAck, body: dict[str, Any], deps: Deps) -> None:
    view = body["view"]
    form, errors = read_resolve_form(view["state"]["values"], view.get("private_metadata"))
    if form is None:
        await ack(response_action="errors", errors=errors)
        return
    await ack()
    await flows.resolve(deps, form, by=body["user"]["id"])


async def _update(deps: Deps, _parsed: PostUpdate, command: dict[str, Any], _r: Replier) -> None:
    incident = await incident_here(deps, command["channel_id"], user_id=command["user_id"])
    await flows.ensure_open(deps, incident)
    form = await _update_form(deps, incident, command["user_id"])
    await deps.slack.open_view(command["trigger_id"], form)


async def _show_cadence(
    deps: Deps, _parsed: ShowCadence, command: dict[str, Any], reply: Replier
) -> None:
    incident = await incident_here(deps, command["channel_id"], user_id=command["user_id"])
    await reply.send(lines.cadence_shown(incident, deps.clock.now()))


async def _set_cadence(
    deps: Deps, parsed: SetCadence, command: dict[str, Any], _r: Replier
) -> None:
    incident = await incident_here(deps, command["channel_id"], user_id=command["user_id"])
    await flows.change_cadence(deps, incident, parsed.seconds, by=command["user_id"])


async def _status(deps: Deps, parsed: SetStatus, command: dict[str, Any], _r: Replier) -> None:
    incident = await incident_here(deps, command["channel_id"], user_id=command["user_id"])
    await flows.change_status(deps, incident, parsed.status, by=command["user_id"])


async def _resolve(deps: Deps, parsed: Resolve, command: dict[str, Any], reply: Replier) -> None:
    incident = await incident_here(deps, command["channel_id"], user_id=command["user_id"])
    assert incident.id is not None
    if incident.status == Status.RESOLVED:
        await reply.send(f"{incident.ref} is already resolved. `/crisis reopen` resumes it.")
        return
    user = command["user_id"]
    if parsed.summary:
        await flows.resolve(deps, ResolveForm(incident.id, parsed.summary), by=user)
        return
    await flows.ensure_steward(deps, incident, user, "resolve it")
    await deps.slack.open_view(command["trigger_id"], resolve_modal(incident))


async def _reopen(deps: Deps, _parsed: Reopen, command: dict[str, Any], _r: Replier) -> None:
    incident = await incident_here(deps, command["channel_id"], user_id=command["user_id"])
    await flows.reopen(deps, incident, by=command["user_id"])


COMMAND_HANDLERS: dict[type, Handler] = {
    PostUpdate: _update,
    ShowCadence: _show_cadence,
    SetCadence: _set_cadence,
    SetStatus: _status,
    Resolve: _resolve,
    Reopen: _reopen,
}

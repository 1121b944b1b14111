"""`/crisis …`: ack, parse, hand to the subcommand's handler."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from slack_bolt.async_app import AsyncAck, AsyncApp

from app.approvals import queries as actions
from app.flows import approvals as approval_flows
from app.flows.deps import Deps
from app.flows.hold import hold_here, release_here
from app.flows.incidents import OpenRequest, incident_here, open_incident
from app.flows.playbook_open import playbook_for
from app.flows.record_command import export_here
from app.flows.roles import change_roles
from app.roles import service as roles
from app.slack import ids
from app.slack.blocks.approvals.lists import actions_list_blocks, policy_blocks
from app.slack.blocks.approvals.propose_modal import propose_modal
from app.slack.blocks.help import help_blocks, help_text
from app.slack.blocks.open_modal import OpenOrigin, open_modal
from app.slack.blocks.roles import roles_blocks
from app.slack.blocks.text import escape
from app.slack.commands.grammar import (
    Command,
    Export,
    Help,
    Hold,
    ListActions,
    ListRoles,
    Open,
    Propose,
    Release,
    RoleAdd,
    RoleRemove,
    ShowPolicy,
)
from app.slack.commands.parse import parse
from app.slack.listeners.error_handler import guarded
from app.slack.listeners.library import COMMAND_HANDLERS as LIBRARY_HANDLERS
from app.slack.listeners.metrics import COMMAND_HANDLERS as METRIC_HANDLERS
from app.slack.listeners.open_reply import open_outcome_text
from app.slack.listeners.review import COMMAND_HANDLERS as REVIEW_HANDLERS
from app.slack.listeners.updates import COMMAND_HANDLERS as UPDATE_HANDLERS
from app.slack.reply import Replier
from app.slack.teams import request_team

Handler = Callable[[Deps, Any, dict[str, Any], Replier], Awaitable[None]]


def register(app: AsyncApp) -> None:
    app.command(ids.COMMAND)(guarded(handle_crisis))


async def handle_crisis(ack: AsyncAck, command: dict[str, Any], deps: Deps) -> None:
    await ack()
    parsed = parse(command.get("text") or "")
    reply = Replier.from_body(deps.slack, command)
    await HANDLERS[type(parsed)](deps, parsed, command, reply)


async def _help(deps: Deps, _parsed: Help, _command: dict[str, Any], reply: Replier) -> None:
    await reply.send(help_text(), help_blocks())


async def _open(deps: Deps, parsed: Open, command: dict[str, Any], reply: Replier) -> None:
    playbook_for(deps, parsed.crisis_kind)  # an unknown kind is refused before anything starts
    if not parsed.title:  # the form, with the kind asked for (if any) preselected
        origin = OpenOrigin(channel_id=command["channel_id"], response_url=reply.response_url)
        kinds = [(key, book.label) for key, book in deps.playbooks.kinds.items()]
        view = open_modal(origin=origin, kinds=kinds, chosen_kind=parsed.crisis_kind)
        await deps.slack.open_view(command["trigger_id"], view)
        return
    await reply.send(f"Opening a war room for “{escape(parsed.title)}”…")
    request = OpenRequest(
        title=parsed.title,
        opened_by=command["user_id"],
        crisis_kind=parsed.crisis_kind,
        team=request_team(command, deps.slack),
    )
    outcome = await open_incident(deps, request)
    await reply.send(open_outcome_text(outcome))


async def _roles(deps: Deps, _parsed: ListRoles, command: dict[str, Any], reply: Replier) -> None:
    team = request_team(command, deps.slack)
    async with deps.db() as session:
        holders = await roles.holders(session, team=team)
        backups = await roles.backups(session, team=team)
    await reply.send("Who holds each standing role", roles_blocks(holders, backups))


async def _change_role(
    deps: Deps, parsed: RoleAdd | RoleRemove, command: dict[str, Any], reply: Replier
) -> None:
    team = request_team(command, deps.slack)
    await reply.send(await change_roles(deps, parsed, by=command["user_id"], team=team))


async def _propose(deps: Deps, parsed: Propose, command: dict[str, Any], reply: Replier) -> None:
    incident = await incident_here(deps, command["channel_id"], user_id=command["user_id"])
    assert incident.id is not None
    await approval_flows.ensure_proposable(deps, incident)
    view = propose_modal(
        incident_id=incident.id, title=parsed.title, categories=deps.policy.approvers
    )
    await deps.slack.open_view(command["trigger_id"], view)


async def _actions(
    deps: Deps, _parsed: ListActions, command: dict[str, Any], reply: Replier
) -> None:
    incident = await incident_here(deps, command["channel_id"], user_id=command["user_id"])
    async with deps.db() as session:
        listed = await actions.list_actions(session, incident.id or 0)
    await reply.send(f"Actions in {incident.ref}", actions_list_blocks(listed))


async def _policy(
    deps: Deps, _parsed: ShowPolicy, _command: dict[str, Any], reply: Replier
) -> None:
    await reply.send("The approval policy in force", policy_blocks(deps.policy))


HANDLERS: dict[type[Command], Handler] = {
    Propose: _propose,
    ListActions: _actions,
    ShowPolicy: _policy,
    Help: _help,
    Open: _open,
    ListRoles: _roles,
    RoleAdd: _change_role,
    RoleRemove: _change_role,
    **UPDATE_HANDLERS,
    Export: export_here,
    Hold: hold_here,
    Release: release_here,
    **REVIEW_HANDLERS,
    **LIBRARY_HANDLERS,
    **METRIC_HANDLERS,
}

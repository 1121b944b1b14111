"""`/crisis library …`, `/crisis propose --from-library`, the library's forms and buttons."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from slack_bolt.async_app import AsyncAck, AsyncApp

from app.approvals.models import Decision
from app.flows import library as flows
from app.flows import library_decide, library_use
from app.flows.deps import Deps
from app.slack.blocks import library_ids as ids
from app.slack.blocks.library_card import load_value
from app.slack.blocks.library_modals import read_entry_form, read_reason_form, read_use_form
from app.slack.commands.grammar import (
    LibraryAdd,
    LibraryEdit,
    LibraryList,
    LibraryShow,
    ProposeFromLibrary,
)
from app.slack.listeners.error_handler import guarded
from app.slack.reply import Replier
from app.slack.teams import request_team

Handler = Callable[[Deps, Any, dict[str, Any], Replier], Awaitable[None]]
Reader = Callable[[dict[str, Any], str | None], tuple[Any, dict[str, str]]]

FORMS: dict[str, tuple[Reader, Callable[..., Awaitable[Any]]]] = {
    ids.ENTRY_VIEW: (read_entry_form, flows.submit_entry),
    ids.REASON_VIEW: (read_reason_form, library_decide.reject),
    ids.USE_VIEW: (read_use_form, library_use.propose),
}
OWNED = {ids.ENTRY_VIEW}  # forms whose flow stores a row of the request's workspace


def register(app: AsyncApp) -> None:
    for callback_id in FORMS:
        app.view(callback_id)(guarded(handle_submission))
    app.action(ids.APPROVE)(guarded(handle_approve))
    app.action(ids.REJECT)(guarded(handle_reject))


async def handle_submission(ack: AsyncAck, body: dict[str, Any], deps: Deps) -> None:
    view = body["view"]
    reader, flow = FORMS[view["callback_id"]]
    form, errors = reader(view["state"]["values"], view.get("private_metadata"))
    if form is None:
        await ack(response_action="errors", errors=errors)
        return
    await ack()
    owned = {"team": request_team(body, deps.slack)} if view["callback_id"] in OWNED else {}
    await flow(deps, form, by=body["user"]["id"], **owned)


async def handle_approve(ack: AsyncAck, body: dict[str, Any], deps: Deps) -> None:
    await ack()
    version_id, role = load_value(body["actions"][0].get("value"))
    await library_decide.decide(deps, version_id, role, Decision.APPROVE, by=body["user"]["id"])


async def handle_reject(ack: AsyncAck, body: dict[str, Any], deps: Deps) -> None:
    await ack()
    version_id, role = load_value(body["actions"][0].get("value"))
    await library_decide.open_reject_form(
        deps, version_id, role, trigger_id=body["trigger_id"], by=body["user"]["id"]
    )


async def _list(deps: Deps, _parsed: LibraryList, command: dict[str, Any], reply: Replier) -> None:
    await reply.send(*await flows.listing(deps, team=request_team(command, deps.slack)))


async def _show(deps: Deps, parsed: LibraryShow, command: dict[str, Any], reply: Replier) -> None:
    team = request_team(command, deps.slack)
    await reply.send(*await flows.showing(deps, parsed.key, team=team))


async def _manage(
    deps: Deps, parsed: LibraryAdd | LibraryEdit, command: dict[str, Any], _reply: Replier
) -> None:
    key = parsed.key if isinstance(parsed, LibraryEdit) else None
    await flows.open_entry_form(
        deps,
        key=key,
        trigger_id=command["trigger_id"],
        by=command["user_id"],
        team=request_team(command, deps.slack),
    )


async def _use(
    deps: Deps, parsed: ProposeFromLibrary, command: dict[str, Any], _reply: Replier
) -> None:
    await library_use.open_use_form(
        deps,
        key=parsed.key,
        channel_id=command["channel_id"],
        trigger_id=command["trigger_id"],
        by=command["user_id"],
    )


COMMAND_HANDLERS: dict[type, Handler] = {
    LibraryList: _list,
    LibraryShow: _show,
    LibraryAdd: _manage,
    LibraryEdit: _manage,
    ProposeFromLibrary: _use,
}

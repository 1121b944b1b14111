"""`/crisis list`, `/crisis review`, `/crisis archive`, the review form and the archive button."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from slack_bolt.async_app import AsyncAck, AsyncApp

from app.flows import review as flows
from app.flows.access import viewer
from app.flows.deps import Deps
from app.incidents import service as incidents
from app.incidents.visibility import NONE_VISIBLE
from app.roles import service as roles
from app.roles.models import Role
from app.slack import ids
from app.slack.blocks.home import LIST_PAGE, list_blocks
from app.slack.blocks.review import read_review_form
from app.slack.commands.grammar import Archive, ListIncidents, StartReview
from app.slack.listeners.error_handler import guarded
from app.slack.reply import Replier
from app.slack.teams import request_team

Handler = Callable[[Deps, Any, dict[str, Any], Replier], Awaitable[None]]


def register(app: AsyncApp) -> None:
    app.view(ids.REVIEW_VIEW)(guarded(handle_review_submission))
    app.action(ids.ARCHIVE_CONFIRM)(guarded(handle_archive_confirm))


async def _list(
    deps: Deps, _parsed: ListIncidents, command: dict[str, Any], reply: Replier
) -> None:
    who = await viewer(deps, command["user_id"])
    async with deps.db() as session:
        page = await incidents.active_page(session, viewer=who, limit=LIST_PAGE)
        hidden = page.total == 0 and await incidents.any_active(session)
        team = request_team(command, deps.slack)
        leads = (await roles.holders(session, team=team))[Role.LEAD]
    if hidden:
        await reply.send(NONE_VISIBLE)
        return
    blocks = list_blocks(page.shown, leads=leads, now=deps.clock.now(), more=page.more)
    await reply.send(f"{page.total} active incident(s)", blocks)


async def _review(deps: Deps, _parsed: StartReview, command: dict[str, Any], _r: Replier) -> None:
    await flows.open_review(
        deps,
        channel_id=command["channel_id"],
        trigger_id=command["trigger_id"],
        by=command["user_id"],
    )


async def _archive(deps: Deps, _parsed: Archive, command: dict[str, Any], reply: Replier) -> None:
    confirm = await flows.request_archive(
        deps, channel_id=command["channel_id"], by=command["user_id"]
    )
    if confirm is not None:
        await reply.send("Archive without a review?", confirm)


COMMAND_HANDLERS: dict[type, Handler] = {
    ListIncidents: _list,
    StartReview: _review,
    Archive: _archive,
}


async def handle_review_submission(ack: AsyncAck, body: dict[str, Any], deps: Deps) -> None:
    view = body["view"]
    form, errors = read_review_form(view["state"]["values"], view.get("private_metadata"))
    if form is None:
        await ack(response_action="errors", errors=errors)
        return
    await ack()
    await flows.submit_review(deps, form, by=body["user"]["id"])


async def handle_archive_confirm(ack: AsyncAck, body: dict[str, Any], deps: Deps) -> None:
    await ack()
    value = body["actions"][0].get("value") or ""
    await flows.archive(deps, int(value) if value.isdigit() else 0, by=body["user"]["id"])

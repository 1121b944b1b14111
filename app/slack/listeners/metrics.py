"""`/crisis metric …` in a war room: record a point, list the latest values, make or end the
hook's feed keys. `COMMAND_HANDLERS` is merged into the /crisis dispatcher; every answer is
private (ephemeral)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from app.flows import metrics_manual as flows
from app.flows.deps import Deps
from app.flows.incidents import incident_here
from app.slack.commands.grammar import (
    CreateMetricFeed,
    RecordMetric,
    RevokeMetricFeeds,
    ShowMetrics,
)
from app.slack.reply import Replier

Handler = Callable[[Deps, Any, dict[str, Any], Replier], Awaitable[None]]


async def _record(
    deps: Deps, parsed: RecordMetric, command: dict[str, Any], reply: Replier
) -> None:
    user = command["user_id"]
    incident = await incident_here(deps, command["channel_id"], user_id=user)
    await reply.send(await flows.record(deps, incident, parsed, by=user))


async def _show(deps: Deps, _parsed: ShowMetrics, command: dict[str, Any], reply: Replier) -> None:
    incident = await incident_here(deps, command["channel_id"], user_id=command["user_id"])
    await reply.send(*await flows.listing(deps, incident))


async def _feed(
    deps: Deps, _parsed: CreateMetricFeed, command: dict[str, Any], reply: Replier
) -> None:
    user = command["user_id"]
    incident = await incident_here(deps, command["channel_id"], user_id=user)
    await reply.send(*await flows.create_feed(deps, incident, by=user))


async def _revoke(
    deps: Deps, _parsed: RevokeMetricFeeds, command: dict[str, Any], reply: Replier
) -> None:
    user = command["user_id"]
    incident = await incident_here(deps, command["channel_id"], user_id=user)
    await reply.send(await flows.revoke_feeds(deps, incident, by=user))


COMMAND_HANDLERS: dict[type, Handler] = {
    RecordMetric: _record,
    ShowMetrics: _show,
    CreateMetricFeed: _feed,
    RevokeMetricFeeds: _revoke,
}

"""The Home tab is published when a person opens it."""

from __future__ import annotations

from typing import Any

from slack_bolt.async_app import AsyncApp

from app.flows.deps import Deps
from app.flows.home import publish
from app.slack.listeners.error_handler import guarded
from app.slack.teams import request_team


def register(app: AsyncApp) -> None:
    app.event("app_home_opened")(guarded(handle_home_opened))


async def handle_home_opened(event: dict[str, Any], body: dict[str, Any], deps: Deps) -> None:
    if event.get("tab", "home") != "home":
        return
    deps.home.viewed(event["user"])
    await publish(deps, event["user"], request_team(body, deps.slack))

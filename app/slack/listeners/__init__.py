"""Bolt listeners: each file wires ids to thin handlers (ack, parse, call a flow, reply)."""

from __future__ import annotations

from slack_bolt.async_app import AsyncApp

from app.slack.listeners import (
    app_events,
    approval_buttons,
    approval_views,
    crisis_command,
    error_handler,
    home,
    messages,
    open_view,
    reactions,
    review,
    updates,
)


def register(app: AsyncApp) -> None:
    app_events.register(app)  # first: its middleware answers app_rate_limited
    crisis_command.register(app)
    open_view.register(app)
    approval_buttons.register(app)
    approval_views.register(app)
    messages.register(app)
    reactions.register(app)
    home.register(app)
    updates.register(app)
    review.register(app)
    error_handler.register(app)

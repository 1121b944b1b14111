"""Bolt listeners: each file wires ids to thin handlers (ack, parse, call a flow, reply)."""

from __future__ import annotations

from slack_bolt.async_app import AsyncApp

from app.slack.listeners import (
    app_events,
    approval_buttons,
    approval_views,
    brief_buttons,
    crisis_command,
    error_handler,
    external_access,
    home,
    library,
    messages,
    metric_alerts,
    open_view,
    reactions,
    review,
    updates,
)


def register(app: AsyncApp) -> None:
    # Bolt tries listeners in registration order, building each one's arguments: the message
    # listener (the hot path, every event archived) comes first, so a message matches at once.
    messages.register(app)
    app_events.register(app)  # the first middleware of its own: answers app_rate_limited
    crisis_command.register(app)
    open_view.register(app)
    approval_buttons.register(app)
    approval_views.register(app)
    reactions.register(app)
    home.register(app)
    updates.register(app)
    review.register(app)
    library.register(app)
    brief_buttons.register(app)
    metric_alerts.register(app)
    external_access.register(app)
    error_handler.register(app)

"""What a test can read back from the double: people, channels, messages, views, transcripts.

`SlackDouble` inherits these; they read its workspace (`self.ws`) and never change what Slack
would show, except `apply_view_response` and `close_view`, which do what Slack does with a
bot's answer to a form.
"""

from __future__ import annotations

from typing import Any

from app.slackdouble import viewstore
from app.slackdouble.errors import SlackError
from app.slackdouble.render import format_timeline, render_blocks
from app.slackdouble.workspace import (
    SYSTEM_SUBTYPES,
    Channel,
    Ephemeral,
    Message,
    User,
    Workspace,
)


class WorkspaceState:
    ws: Workspace

    def user(self, user_id: str) -> User:
        return self.ws.users[user_id]

    def channel(self, channel_id: str) -> Channel:
        return self.ws.channels[channel_id]

    def channel_by_name(self, name: str) -> Channel | None:
        return self.ws.channel_by_name(name)

    def messages(
        self, channel_id: str, include_replies: bool = True, *, include_system: bool = False
    ) -> list[Message]:
        """Messages oldest first, without deleted ones (and without join/topic notices)."""
        found = [m for m in self.ws.channels[channel_id].messages if not m.deleted]
        if not include_replies:
            found = [m for m in found if not m.is_reply or m.subtype == "thread_broadcast"]
        if not include_system:
            found = [m for m in found if m.subtype not in SYSTEM_SUBTYPES]
        return found

    def message(self, channel_id: str, ts: str) -> Message | None:
        return self.ws.channels[channel_id].find(ts)

    def dm_channel(self, user_id: str) -> Channel | None:
        ims = (c for c in self.ws.channels.values() if c.is_im and c.im_user == user_id)
        return next(ims, None)

    def dms(self, user_id: str) -> list[Message]:
        channel = self.dm_channel(user_id)
        return self.messages(channel.id) if channel else []

    def ephemerals(self, user_id: str) -> list[Ephemeral]:
        return [e for e in self.ws.ephemerals if e.user == user_id]

    def pins(self, channel_id: str) -> list[Message]:
        channel = self.ws.channels[channel_id]
        return [m for m in (channel.find(ts) for ts in channel.pins) if m is not None]

    def view(self, view_id: str) -> dict[str, Any] | None:
        return self.ws.views.get(view_id)

    def open_views(self, user_id: str) -> list[dict[str, Any]]:
        return [self.ws.views[v] for v in self.ws.view_stacks.get(user_id, [])]

    def home(self, user_id: str) -> dict[str, Any] | None:
        view_id = self.ws.homes.get(user_id)
        return self.ws.views[view_id] if view_id else None

    def apply_view_response(
        self, user_id: str, view_id: str, response: dict[str, Any] | None
    ) -> None:
        """Do what Slack does with the bot's answer to a view_submission."""
        body = response or {}
        action = body.get("response_action")
        try:
            if action is None:
                viewstore.pop(self.ws, user_id, view_id)
            elif action == "clear":
                viewstore.clear(self.ws, user_id)
            elif action == "update":
                viewstore.replace(self.ws, view_id, viewstore.checked_view(body.get("view")))
            elif action == "push":
                viewstore.push(self.ws, user_id, viewstore.checked_view(body.get("view")))
        except SlackError as error:
            raise AssertionError(f"Slack would reject the {action} view: {error.extra}") from error

    def close_view(self, user_id: str, view_id: str) -> None:
        viewstore.pop(self.ws, user_id, view_id)

    def render(self, blocks: list[dict[str, Any]]) -> str:
        users, channels = self.ws.names()
        return render_blocks(blocks, users=users, channels=channels)

    def transcript(self) -> str:
        return format_timeline(self.ws.timeline)

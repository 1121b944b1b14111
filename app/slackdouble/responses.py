"""Response URLs: where the bot answers slash commands and button clicks."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from app.slackdouble import messaging
from app.slackdouble.blockcheck import message_block_errors
from app.slackdouble.workspace import Channel, Ephemeral, Workspace

MAX_USES = 5


@dataclass
class ResponseUrl:
    user_id: str
    channel_id: str
    message_ts: str | None = None
    uses: int = 0


class ResponseUrls:
    """Issues response URLs and applies what the bot POSTs to them."""

    def __init__(self, ws: Workspace) -> None:
        self.ws = ws
        self.entries: dict[str, ResponseUrl] = {}

    def issue(self, user_id: str, channel_id: str, message_ts: str | None = None) -> str:
        token = self.ws.ids.of("response_url").token_urlsafe(18)
        self.entries[token] = ResponseUrl(user_id, channel_id, message_ts)
        return f"{self.ws.base_url}/response/{token}"

    def use(self, token: str, payload: dict[str, Any]) -> tuple[int, str]:
        """Apply one POST to a response URL; (HTTP status, body text)."""
        entry = self.entries.get(token)
        if entry is None:
            return 404, "no_service"
        if entry.uses >= MAX_USES:
            return 404, "used_url"
        channel = self.ws.channels.get(entry.channel_id)
        if channel is None:
            return 404, "channel_not_found"
        blocks = payload.get("blocks")
        if blocks is not None and (not isinstance(blocks, list) or message_block_errors(blocks)):
            return 400, "invalid_blocks"
        if not payload.get("delete_original") and not payload.get("text") and not blocks:
            return 400, "no_text"
        entry.uses += 1
        with self.ws.acting_in(channel.teams[0] if channel.teams else self.ws.home_team_id):
            self._apply(entry, channel, payload)  # as the bot serving the channel's workspace
        return 200, "ok"

    def _apply(self, entry: ResponseUrl, channel: Channel, payload: dict[str, Any]) -> None:
        ws = self.ws
        text, blocks = str(payload.get("text") or ""), payload.get("blocks")
        original = channel.find(entry.message_ts) if entry.message_ts else None
        if payload.get("delete_original"):
            self._delete_original(entry, channel)
        elif payload.get("replace_original") and original is not None:
            messaging.edit(ws, channel, original, ws.bot.id, text=text, blocks=blocks or [])
        elif payload.get("replace_original") and self._ephemeral(entry) is not None:
            self._replace_ephemeral(entry, channel, text, blocks)
        elif payload.get("response_type") == "in_channel":
            thread_ts = payload.get("thread_ts")
            messaging.post(ws, channel, ws.bot.id, text=text, blocks=blocks, thread_ts=thread_ts)
        else:
            messaging.post_ephemeral(
                ws,
                channel,
                entry.user_id,
                text=text,
                blocks=blocks,
                thread_ts=payload.get("thread_ts"),
                source="response_url",
            )

    def _ephemeral(self, entry: ResponseUrl) -> Ephemeral | None:
        return next(
            (e for e in self.ws.ephemerals if e.ts == entry.message_ts and e.user == entry.user_id),
            None,
        )

    def _delete_original(self, entry: ResponseUrl, channel: Channel) -> None:
        original = channel.find(entry.message_ts) if entry.message_ts else None
        if original is not None:
            messaging.delete(self.ws, channel, original, self.ws.bot.id)
            return
        ephemeral = self._ephemeral(entry)
        if ephemeral is not None:
            self.ws.ephemerals.remove(ephemeral)

    def _replace_ephemeral(
        self, entry: ResponseUrl, channel: Channel, text: str, blocks: list[Any] | None
    ) -> None:
        ephemeral = self._ephemeral(entry)
        if ephemeral is None:
            return
        ephemeral.text, ephemeral.blocks = text, list(blocks or [])
        shown = messaging.visible_text(self.ws, text, blocks)
        where = self.ws.where(channel)
        messaging.record(
            self.ws,
            "ephemeral",
            self.ws.bot.id,
            where,
            shown,
            ts=ephemeral.ts,
            channel_id=channel.id,
            audience_id=entry.user_id,
        )

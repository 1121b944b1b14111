"""Answering one person privately: response_url when Slack gave one, else ephemeral, else DM."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from slack_sdk.errors import SlackApiError
from slack_sdk.models.blocks import Block
from slack_sdk.web.async_client import AsyncWebClient
from slack_sdk.webhook.async_client import AsyncWebhookClient

logger = logging.getLogger(__name__)

CANNOT_EPHEMERAL = {"not_in_channel", "channel_not_found", "user_not_in_channel", "is_archived"}


@dataclass(frozen=True)
class Replier:
    client: AsyncWebClient
    user_id: str
    channel_id: str | None = None
    response_url: str | None = None

    @classmethod
    def from_body(cls, client: AsyncWebClient, body: dict[str, Any]) -> Replier:
        """Whoever and wherever a command, click, submission or event came from."""
        user = body.get("user_id") or (body.get("user") or {}).get("id") or ""
        channel = body.get("channel_id") or (body.get("channel") or {}).get("id")
        url = body.get("response_url") or next(
            (u.get("response_url") for u in body.get("response_urls") or []), None
        )
        return cls(client=client, user_id=user, channel_id=channel, response_url=url)

    async def send(self, text: str, blocks: Sequence[Block] | None = None) -> None:
        """Send mrkdwn as it is: user text in it was escaped where it was put in (see the
        rule in app/slack/blocks/text.py), so nothing here escapes it again."""
        rendered = [block.to_dict() for block in blocks] if blocks else None
        if self.response_url and await self._via_response_url(text, rendered):
            return
        if self.channel_id and await self._via_ephemeral(text, rendered):
            return
        await self.client.chat_postMessage(channel=self.user_id, text=text, blocks=rendered)

    async def _via_response_url(self, text: str, blocks: list[dict] | None) -> bool:
        assert self.response_url is not None
        webhook = AsyncWebhookClient(self.response_url)
        response = await webhook.send(
            text=text, blocks=blocks, response_type="ephemeral", replace_original=False
        )
        if response.status_code == 200:
            return True
        logger.info("response_url refused (%s); falling back", response.status_code)
        return False

    async def _via_ephemeral(self, text: str, blocks: list[dict] | None) -> bool:
        assert self.channel_id is not None
        try:
            await self.client.chat_postEphemeral(
                channel=self.channel_id, user=self.user_id, text=text, blocks=blocks
            )
            return True
        except SlackApiError as error:
            if error.response.get("error") not in CANNOT_EPHEMERAL:
                raise
            return False

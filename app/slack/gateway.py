"""The one way the bot calls Slack: every Web API call and response_url reply goes through here,
with Slack's errors handled by name (retries live in the client, built here too)."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from aiohttp import ClientError
from slack_sdk.models.blocks import Block
from slack_sdk.models.views import View
from slack_sdk.webhook.async_client import AsyncWebhookClient

from app.slack.gateway_channels import CreatedChannel, InviteFailure, SlackChannels

logger = logging.getLogger(__name__)

__all__ = ["CreatedChannel", "InviteFailure", "SlackGateway", "Upload"]

CANNOT_EPHEMERAL = {"not_in_channel", "channel_not_found", "user_not_in_channel", "is_archived"}


@dataclass(frozen=True)
class Upload:
    """One file of a files.upload v2 call."""

    content: bytes
    filename: str
    title: str


class SlackGateway(SlackChannels):
    """The one way the bot calls Slack (see gateway_core, gateway_reads and gateway_channels
    for the rest)."""

    async def post(
        self,
        channel: str,
        *,
        text: str,
        blocks: Sequence[Block] | None = None,
        thread_ts: str | None = None,
        metadata: dict[str, Any] | None = None,
    ) -> str:
        _, ts = await self.post_message(
            channel, text=text, blocks=blocks, thread_ts=thread_ts, metadata=metadata
        )
        return ts

    async def post_message(
        self,
        channel: str,
        *,
        text: str,
        blocks: Sequence[Block] | None = None,
        thread_ts: str | None = None,
        metadata: dict[str, Any] | None = None,
    ) -> tuple[str, str]:
        """Post; returns (conversation id, ts). A user id as channel posts in their DM.
        `metadata` is Slack message metadata (`event_type`, `event_payload`): people do not
        see it; `find_effect` reads it back."""
        response = await self.call(
            "post the message",
            self._client.chat_postMessage,
            channel=channel,
            text=text,
            blocks=list(blocks) if blocks else None,
            thread_ts=thread_ts,
            unfurl_links=False,
            metadata=metadata,
        )
        return str(response["channel"]), str(response["ts"])

    async def update(
        self, channel: str, ts: str, *, text: str, blocks: Sequence[Block] | None = None
    ) -> None:
        await self.call(
            "update the message",
            self._client.chat_update,
            channel=channel,
            ts=ts,
            text=text,
            blocks=list(blocks) if blocks else [],
        )

    async def pin(self, channel: str, ts: str) -> None:
        await self.call(
            "pin the brief",
            self._client.pins_add,
            tolerate={"already_pinned"},
            channel=channel,
            timestamp=ts,
        )

    async def upload(
        self,
        channel: str,
        *,
        files: Sequence[Upload],
        comment: str,
        thread_ts: str | None = None,
        what: str = "upload the legal record",
    ) -> list[str | None]:
        """files.upload v2 of all `files` into `channel` in one message with `comment` (in the
        thread of `thread_ts` when given); each file's id, in the order given (None where
        Slack's answer does not name it)."""
        response = await self.call(
            what,
            self._client.files_upload_v2,
            file_uploads=[
                {"content": file.content, "filename": file.filename, "title": file.title}
                for file in files
            ],
            channel=channel,
            initial_comment=comment,
            thread_ts=thread_ts,
        )
        data = response.data if isinstance(response.data, dict) else {}
        shared = [file for file in data.get("files") or [] if isinstance(file, dict)]
        by_title = {str(file.get("title")): file.get("id") for file in shared}
        ids = [by_title.get(file.title) for file in files]
        if None in ids and len(shared) == len(files):  # titles not echoed: Slack keeps order
            ids = [file.get("id") for file in shared]
        return [str(file_id) if file_id else None for file_id in ids]

    async def dm_channel(self, user_id: str) -> str:
        response = await self.call(
            "open a direct message", self._client.conversations_open, users=user_id
        )
        return str(response["channel"]["id"])

    async def publish_home(self, user_id: str, view: View) -> None:
        await self.call(
            "publish the Home tab", self._client.views_publish, user_id=user_id, view=view
        )

    async def open_view(self, trigger_id: str, view: View) -> None:
        await self.call("open the form", self._client.views_open, trigger_id=trigger_id, view=view)

    async def update_view(self, view_id: str, view: View) -> None:
        """Replace an open modal (a list turned into the form for what was picked in it)."""
        await self.call("show the form", self._client.views_update, view_id=view_id, view=view)

    async def respond(
        self, response_url: str, *, text: str, blocks: Sequence[Block] | None
    ) -> bool:
        """An ephemeral reply through a response_url; False if Slack refused it or it failed."""
        rendered = [block.to_dict() for block in blocks] if blocks else None
        try:
            response = await AsyncWebhookClient(response_url).send(
                text=text, blocks=rendered, response_type="ephemeral", replace_original=False
            )
        except (ClientError, TimeoutError) as error:
            logger.info("response_url failed (%s); falling back", type(error).__name__)
            return False
        if response.status_code == 200:
            return True
        logger.info("response_url refused (%s); falling back", response.status_code)
        return False

    async def ephemeral(
        self, channel: str, user_id: str, *, text: str, blocks: Sequence[Block] | None
    ) -> bool:
        """chat.postEphemeral; False where Slack cannot show it (not a member, archived…)."""
        response = await self.call(
            "reply privately",
            self._client.chat_postEphemeral,
            tolerate=CANNOT_EPHEMERAL,
            channel=channel,
            user=user_id,
            text=text,
            blocks=list(blocks) if blocks else None,
        )
        return response is not None

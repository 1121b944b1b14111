"""The bot's Web API calls, with Slack's errors handled by name (retries live in the client)."""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from aiohttp import ClientError
from slack_sdk.errors import SlackApiError
from slack_sdk.models.blocks import Block
from slack_sdk.models.views import View
from slack_sdk.web.async_client import AsyncWebClient

from app.errors import SlackFailure
from app.slack.errors_text import explain
from app.slack.users import SlackUser, UserDirectory

logger = logging.getLogger(__name__)

MAX_NAME_ATTEMPTS = 50
PAGE_SIZE = 200
ALREADY_FINE = {"already_in_channel", "cant_invite_self"}


@dataclass(frozen=True)
class CreatedChannel:
    id: str
    name: str


@dataclass(frozen=True)
class InviteFailure:
    user_id: str
    error: str

    @property
    def reason(self) -> str:
        return explain(self.error)


def slack_error(error: SlackApiError) -> str:
    return str(error.response.get("error", "unknown_error"))


class SlackGateway:
    def __init__(self, client: AsyncWebClient, users: UserDirectory) -> None:
        self.client = client
        self.users = users
        self.bot_user_id = ""
        self._permalinks: dict[str, str] = {}

    async def identify(self) -> dict[str, Any]:
        """auth.test once at start: proves the token and learns who the bot is."""
        response = await self.call("check the bot token", self.client.auth_test)
        self.bot_user_id = str(response.get("user_id", ""))
        return dict(response.data) if isinstance(response.data, dict) else {}

    async def call(self, what: str, method: Callable[..., Any], **kwargs: Any) -> Any:
        """One Web API call; any failure becomes a SlackFailure naming what we tried to do."""
        try:
            return await method(**kwargs)
        except SlackApiError as error:
            name = slack_error(error)
            raise SlackFailure(f"I couldn't {what}: {explain(name)}.", error=name) from error
        except (ClientError, TimeoutError) as error:
            raise SlackFailure(
                f"I couldn't {what}: {explain('connection_failed')}.", error="connection_failed"
            ) from error

    async def user(self, user_id: str) -> SlackUser | None:
        try:
            return await self.users.get(user_id)
        except SlackApiError as error:
            name = slack_error(error)
            raise SlackFailure(
                f"I couldn't look up <@{user_id}>: {explain(name)}.", error=name
            ) from error

    async def create_private_channel(self, name_for: Callable[[int], str]) -> CreatedChannel:
        """Create a private channel; on name_taken try the numbered variants name_for(2), (3)…"""
        for attempt in range(1, MAX_NAME_ATTEMPTS + 1):
            name = name_for(attempt)
            try:
                response = await self.client.conversations_create(name=name, is_private=True)
            except SlackApiError as error:
                if slack_error(error) == "name_taken":
                    continue
                raise await self._channel_failure(error) from error
            channel = response["channel"]
            return CreatedChannel(id=channel["id"], name=channel["name"])
        raise SlackFailure(
            f"I couldn't create the channel: {MAX_NAME_ATTEMPTS} channels named like "
            f"`{name_for(1)}` already exist. Try a more specific title.",
            error="name_taken",
        )

    async def _channel_failure(self, error: SlackApiError) -> SlackFailure:
        name = slack_error(error)
        return SlackFailure(f"I couldn't create the channel: {explain(name)}.", error=name)

    async def invite(self, channel_id: str, user_ids: Sequence[str]) -> list[InviteFailure]:
        """Invite everyone; one person failing never stops the others."""
        if not user_ids:
            return []
        try:
            await self.client.conversations_invite(channel=channel_id, users=",".join(user_ids))
            return []
        except SlackApiError as error:
            if len(user_ids) == 1:
                return self._invite_result(user_ids[0], error)
        failures: list[InviteFailure] = []
        for user_id in user_ids:
            try:
                await self.client.conversations_invite(channel=channel_id, users=user_id)
            except SlackApiError as error:
                failures.extend(self._invite_result(user_id, error))
        return failures

    @staticmethod
    def _invite_result(user_id: str, error: SlackApiError) -> list[InviteFailure]:
        name = slack_error(error)
        if name in ALREADY_FINE:
            return []
        logger.info("could not invite %s: %s", user_id, name)
        return [InviteFailure(user_id=user_id, error=name)]

    async def describe_channel(self, channel_id: str, *, topic: str, purpose: str) -> None:
        await self.call(
            "set the channel topic",
            self.client.conversations_setTopic,
            channel=channel_id,
            topic=topic,
        )
        await self.call(
            "set the channel purpose",
            self.client.conversations_setPurpose,
            channel=channel_id,
            purpose=purpose,
        )

    async def post(
        self,
        channel: str,
        *,
        text: str,
        blocks: Sequence[Block] | None = None,
        thread_ts: str | None = None,
    ) -> str:
        _, ts = await self.post_message(channel, text=text, blocks=blocks, thread_ts=thread_ts)
        return ts

    async def post_message(
        self,
        channel: str,
        *,
        text: str,
        blocks: Sequence[Block] | None = None,
        thread_ts: str | None = None,
    ) -> tuple[str, str]:
        """Post; returns (conversation id, ts). A user id as channel posts in their DM."""
        response = await self.call(
            "post the message",
            self.client.chat_postMessage,
            channel=channel,
            text=text,
            blocks=list(blocks) if blocks else None,
            thread_ts=thread_ts,
            unfurl_links=False,
        )
        return str(response["channel"]), str(response["ts"])

    async def update(
        self, channel: str, ts: str, *, text: str, blocks: Sequence[Block] | None = None
    ) -> None:
        await self.call(
            "update the message",
            self.client.chat_update,
            channel=channel,
            ts=ts,
            text=text,
            blocks=list(blocks) if blocks else [],
        )

    async def pin(self, channel: str, ts: str) -> None:
        try:
            await self.client.pins_add(channel=channel, timestamp=ts)
        except SlackApiError as error:
            if slack_error(error) != "already_pinned":
                name = slack_error(error)
                raise SlackFailure(
                    f"I couldn't pin the brief: {explain(name)}.", error=name
                ) from error

    async def file_permalink(self, file_id: str) -> str | None:
        """Where people open a shared file; None when Slack no longer has it."""
        if file_id not in self._permalinks:
            try:
                response = await self.client.files_info(file=file_id)
            except SlackApiError as error:
                logger.info("no permalink for %s: %s", file_id, slack_error(error))
                return None
            self._permalinks[file_id] = str(response["file"].get("permalink", ""))
        return self._permalinks[file_id] or None

    async def archive(self, channel_id: str) -> None:
        try:
            await self.client.conversations_archive(channel=channel_id)
        except SlackApiError as error:
            name = slack_error(error)
            if name != "already_archived":
                message = f"I couldn't archive the channel: {explain(name)}."
                raise SlackFailure(message, error=name) from error

    async def channel_members(self, channel_id: str) -> set[str]:
        """Everyone in a conversation now (conversations.members, every page)."""
        members = await self._every_page(
            "read who is in the war room",
            self.client.conversations_members,
            "members",
            channel=channel_id,
        )
        return {str(member) for member in members}

    async def private_channels_of(self, user_id: str) -> set[str]:
        """The private channels `user_id` shares with the bot, archived ones included
        (users.conversations, every page): for war rooms, the ones this person is in."""
        channels = await self._every_page(
            "check which war rooms you are in",
            self.client.users_conversations,
            "channels",
            user=user_id,
            types="private_channel",
        )
        return {str(channel["id"]) for channel in channels}

    async def _every_page(
        self, what: str, method: Callable[..., Any], key: str, **kwargs: Any
    ) -> list[Any]:
        found: list[Any] = []
        cursor = ""
        while True:
            response = await self.call(
                what, method, limit=PAGE_SIZE, cursor=cursor or None, **kwargs
            )
            found.extend(response.get(key) or [])
            cursor = (response.get("response_metadata") or {}).get("next_cursor") or ""
            if not cursor:
                return found

    async def dm_channel(self, user_id: str) -> str:
        response = await self.call(
            "open a direct message", self.client.conversations_open, users=user_id
        )
        return str(response["channel"]["id"])

    async def publish_home(self, user_id: str, view: View) -> None:
        await self.call(
            "publish the Home tab", self.client.views_publish, user_id=user_id, view=view
        )

    async def open_view(self, trigger_id: str, view: View) -> None:
        await self.call("open the form", self.client.views_open, trigger_id=trigger_id, view=view)

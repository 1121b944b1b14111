"""The one way the bot calls Slack: every Web API call and response_url reply goes through here,
with Slack's errors handled by name (retries live in the client, built here too)."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from typing import Any

from aiohttp import ClientError
from slack_sdk.errors import SlackApiError
from slack_sdk.models.blocks import Block
from slack_sdk.models.views import View
from slack_sdk.webhook.async_client import AsyncWebhookClient

from app.errors import SlackFailure
from app.slack.errors_text import explain
from app.slack.gateway_core import slack_error
from app.slack.gateway_reads import SlackReads

logger = logging.getLogger(__name__)

MAX_NAME_ATTEMPTS = 50
Adoptable = Callable[[str], Awaitable[bool]]
ALREADY_FINE = {"already_in_channel", "cant_invite_self"}
CANNOT_EPHEMERAL = {"not_in_channel", "channel_not_found", "user_not_in_channel", "is_archived"}


@dataclass(frozen=True)
class CreatedChannel:
    id: str
    name: str


@dataclass(frozen=True)
class Upload:
    """One file of a files.upload v2 call."""

    content: bytes
    filename: str
    title: str


@dataclass(frozen=True)
class InviteFailure:
    user_id: str
    error: str

    @property
    def reason(self) -> str:
        return explain(self.error)


class SlackGateway(SlackReads):
    """The one way the bot calls Slack (see gateway_core and gateway_reads for the rest)."""

    async def create_private_channel(
        self,
        name_for: Callable[[int], str],
        *,
        adoptable: Adoptable | None = None,
        team_id: str | None = None,
    ) -> CreatedChannel:
        """Create a private channel (in workspace `team_id`, which an org-wide install must
        name); on name_taken try the numbered variants name_for(2), (3)…

        A channel of that name that the bot created and `adoptable(channel_id)` accepts (no
        incident has it: an earlier try made it but its answer was lost) is taken instead:
        after a dropped connection or a timeout, when the channel may exist all the same, and
        on name_taken, so trying again never makes a `-2`."""
        for attempt in range(1, MAX_NAME_ATTEMPTS + 1):
            name = name_for(attempt)
            try:
                where = {"team_id": team_id} if self.org_install and team_id else {}
                response = await self._client.conversations_create(
                    name=name, is_private=True, **where
                )
            except SlackApiError as error:
                if slack_error(error) != "name_taken":
                    code = slack_error(error)
                    message = f"I couldn't create the channel: {explain(code)}."
                    raise SlackFailure(message, error=code) from error
                found = await self._adopt(name, adoptable)
                if found is not None:
                    return found
                continue
            except (TimeoutError, ClientError) as error:
                found = await self._adopt(name, adoptable)
                if found is not None:
                    return found
                raise SlackFailure(
                    "I couldn't create the channel: Slack did not answer. Try again.",
                    error=type(error).__name__,
                ) from error
            channel = response["channel"]
            return CreatedChannel(id=channel["id"], name=channel["name"])
        raise SlackFailure(
            f"I couldn't create the channel: {MAX_NAME_ATTEMPTS} channels named like "
            f"`{name_for(1)}` already exist. Try a more specific title.",
            error="name_taken",
        )

    async def _adopt(self, name: str, adoptable: Adoptable | None) -> CreatedChannel | None:
        if adoptable is None:
            return None
        channel = await self.own_private_channel(name)
        if channel is None or not await adoptable(str(channel["id"])):
            return None
        logger.info("took the war room channel %s an earlier try created", channel["id"])
        return CreatedChannel(id=str(channel["id"]), name=str(channel["name"]))

    async def invite(self, channel_id: str, user_ids: Sequence[str]) -> list[InviteFailure]:
        """Invite everyone; one person failing never stops the others."""
        if not user_ids:
            return []
        try:
            await self._client.conversations_invite(channel=channel_id, users=",".join(user_ids))
            return []
        except SlackApiError as error:
            if len(user_ids) == 1:
                return self._invite_result(user_ids[0], error)
        failures: list[InviteFailure] = []
        for user_id in user_ids:
            try:
                await self._client.conversations_invite(channel=channel_id, users=user_id)
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
        await self.set_topic(channel_id, topic)
        await self.call(
            "set the channel purpose",
            self._client.conversations_setPurpose,
            channel=channel_id,
            purpose=purpose,
        )

    async def set_topic(self, channel_id: str, topic: str) -> None:
        await self.call(
            "set the channel topic",
            self._client.conversations_setTopic,
            channel=channel_id,
            topic=topic,
        )

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

    async def archive(self, channel_id: str) -> None:
        await self.call(
            "archive the channel",
            self._client.conversations_archive,
            tolerate={"already_archived"},
            channel=channel_id,
        )

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

    async def invite_everyone(
        self, channel_id: str, user_ids: Sequence[str]
    ) -> list[InviteFailure]:
        """`invite`, where a Slack that does not answer fails each person instead of the
        caller (the war room exists; whoever was not added can be added later)."""
        try:
            return await self.invite(channel_id, user_ids)
        except (TimeoutError, ClientError) as error:
            name = "connection_failed" if isinstance(error, ClientError) else "timeout"
            logger.info("could not invite %d people: %s", len(user_ids), name)
            return [InviteFailure(user_id=user, error=name) for user in user_ids]

"""The gateway's war-room channels: creating one (and taking one a lost answer left), inviting
people, its topic and purpose, archiving it."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass

from aiohttp import ClientError
from slack_sdk.errors import SlackApiError

from app.errors import SlackFailure
from app.slack.errors_text import explain
from app.slack.gateway_core import slack_error
from app.slack.gateway_reads import SlackReads

logger = logging.getLogger(__name__)

MAX_NAME_ATTEMPTS = 50
Adoptable = Callable[[str], Awaitable[bool]]
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


class SlackChannels(SlackReads):
    """War-room channels, as the gateway makes and fills them."""

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

    async def archive(self, channel_id: str) -> None:
        await self.call(
            "archive the channel",
            self._client.conversations_archive,
            tolerate={"already_archived"},
            channel=channel_id,
        )

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

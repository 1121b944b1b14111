"""What the gateway reads from Slack: members, a person's war rooms, history, channel and file
details. Every call goes through `call`, so errors read the same as everywhere else."""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime
from typing import Any

from slack_sdk.web.async_client import AsyncWebClient

from app.clock import Clock
from app.errors import SlackFailure
from app.slack.gateway_core import GatewayCore
from app.slack.users import Directory, SlackTeam

logger = logging.getLogger(__name__)

PAGE_SIZE = 200
# The metadata event type of every message the bot posts on its own initiative; its payload's
# "effect" is the message's stable id (Slack: an alphanumeric, human-readable snake_case name).
EFFECT_EVENT = "crisisroom_effect"
# History the bot cannot read: nothing there to find (posting there fails the same way).
UNREADABLE = {"channel_not_found", "not_in_channel", "missing_scope"}


def effect_metadata(effect_id: str) -> dict[str, Any]:
    """Slack message metadata naming one effect: `metadata` for chat.postMessage."""
    return {"event_type": EFFECT_EVENT, "event_payload": {"effect": effect_id}}


def _is_user(conversation: str) -> bool:
    return conversation[:1] in ("U", "W")


class SlackReads(GatewayCore):
    def __init__(self, client: AsyncWebClient, clock: Clock) -> None:
        super().__init__(client, clock)
        self.teams = Directory(self._team_info, clock)

    async def team(self, team_id: str) -> SlackTeam | None:
        """team.info, cached like people are: our workspace or a Slack Connect partner's
        organisation; None for a team Slack does not know."""
        return await self.teams.get(team_id)

    async def _team_info(self, team_id: str) -> SlackTeam | None:
        what = "look up an organisation in the war room"
        # (missing_scope: an install from before `team:read` was asked for; the organisation
        # stays unnamed, and the None is cached like an unknown team's, not asked per message)
        response = await self.call(
            what, self._client.team_info, tolerate={"team_not_found", "missing_scope"}, team=team_id
        )
        return None if response is None else SlackTeam.from_api(response["team"])

    async def file_permalink(self, file_id: str) -> str | None:
        """Where people open a shared file; None when Slack no longer has it."""
        if file_id not in self._permalinks:
            try:
                file = await self.file_info(file_id, what="find the shared file")
            except SlackFailure as failure:
                logger.info("no permalink for %s: %s", file_id, failure.error)
                return None
            self._permalinks[file_id] = str(file.get("permalink", ""))
        return self._permalinks[file_id] or None

    async def file_info(self, file_id: str, *, what: str) -> dict[str, Any]:
        """files.info: a shared file's details, download links included."""
        response = await self.call(what, self._client.files_info, file=file_id)
        return dict(response.get("file") or {})

    async def channel_members(self, channel_id: str) -> set[str]:
        """Everyone in a conversation now (conversations.members, every page)."""
        members = await self._every_page(
            "read who is in the war room",
            self._client.conversations_members,
            "members",
            channel=channel_id,
        )
        return {str(member) for member in members}

    async def usergroup_members(self, group_id: str) -> list[str]:
        """The people in a user group (usergroups.users.list), in Slack's order."""
        response = await self.call(
            f"read who is in the user group {group_id}",
            self._client.usergroups_users_list,
            usergroup=group_id,
        )
        return [str(user) for user in response.get("users") or []]

    async def private_channels_of(self, user_id: str) -> set[str]:
        """The private channels `user_id` shares with the bot, archived ones included
        (users.conversations, every page): for war rooms, the ones this person is in."""
        channels = await self._every_page(
            "check which war rooms you are in",
            self._client.users_conversations,
            "channels",
            user=user_id,
            types="private_channel",
        )
        return {str(channel["id"]) for channel in channels}

    async def own_private_channel(self, name: str) -> dict[str, Any] | None:
        """The live private channel called `name` that the bot itself created, if any (the
        bot's own users.conversations, every page)."""
        channels = await self._every_page(
            "look for the war room I was creating",
            self._client.users_conversations,
            "channels",
            types="private_channel",
            exclude_archived=True,
        )
        mine = (
            channel
            for channel in channels
            if channel.get("name") == name and channel.get("creator") == self.bot_user_id
        )
        return next(mine, None)

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

    async def messages(
        self,
        channel: str,
        *,
        what: str,
        thread_ts: str | None = None,
        oldest: str | None = None,
    ) -> list[dict[str, Any]]:
        """Every page of conversations.history of a channel, or of conversations.replies of
        the thread under `thread_ts` (its root first); only messages after `oldest` if given."""
        method: Callable[..., Any]
        extra: dict[str, Any] = {"oldest": oldest} if oldest is not None else {}
        if thread_ts is None:
            method = self._client.conversations_history
        else:
            method, extra["ts"] = self._client.conversations_replies, thread_ts
        found = await self._every_page(what, method, "messages", channel=channel, **extra)
        return [message for message in found if isinstance(message, dict)]

    async def channel_info(self, channel: str, *, what: str) -> dict[str, Any]:
        response = await self.call(what, self._client.conversations_info, channel=channel)
        return dict(response.get("channel") or {})

    async def find_effect(
        self, channel: str, effect_id: str, *, oldest: datetime, thread_ts: str | None = None
    ) -> str | None:
        """The ts of the bot's message carrying `effect_id` in its metadata, posted in `channel`
        (a user id: the bot's DM with them) after `oldest`, in the thread of `thread_ts` if
        given; None if Slack has none. conversations.history (or .replies) with
        include_all_metadata, every page."""
        if _is_user(channel):
            opened = await self.call(
                "open a direct message", self._client.conversations_open, users=channel
            )
            channel = str(opened["channel"]["id"])
        cursor = ""
        while True:
            where = {"ts": thread_ts} if thread_ts else {}
            response = await self.call(
                "look for a message I may have posted",
                self._client.conversations_replies
                if thread_ts
                else self._client.conversations_history,
                tolerate=UNREADABLE,
                channel=channel,
                **where,
                oldest=f"{oldest.timestamp():.6f}",
                include_all_metadata=True,
                limit=PAGE_SIZE,
                cursor=cursor or None,
            )
            if response is None:
                logger.warning("cannot read %s to look for an effect; assuming none", channel)
                return None
            found = next(
                (m for m in response.get("messages") or [] if self._carries(m, effect_id)), None
            )
            if found is not None:
                return str(found["ts"])
            cursor = (response.get("response_metadata") or {}).get("next_cursor") or ""
            if not cursor:
                return None

    def _carries(self, message: Any, effect_id: str) -> bool:
        if not isinstance(message, dict):
            return False
        if self.bot_user_id and message.get("user") != self.bot_user_id:
            return False
        metadata = message.get("metadata") or {}
        payload = metadata.get("event_payload") or {}
        return bool(
            metadata.get("event_type") == EFFECT_EVENT and payload.get("effect") == effect_id
        )

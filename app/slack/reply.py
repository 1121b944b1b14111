"""Answering one person privately: response_url when Slack gave one, else ephemeral, else DM.

Every way goes through the gateway, so a Slack error reads the same here as anywhere."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from slack_sdk.models.blocks import Block

from app.slack.gateway import SlackGateway


@dataclass(frozen=True)
class Replier:
    slack: SlackGateway
    user_id: str
    channel_id: str | None = None
    response_url: str | None = None

    @classmethod
    def from_body(cls, slack: SlackGateway, body: dict[str, Any]) -> Replier:
        """Whoever and wherever a command, click, submission or event came from."""
        user = body.get("user_id") or (body.get("user") or {}).get("id") or ""
        channel = body.get("channel_id") or (body.get("channel") or {}).get("id")
        url = body.get("response_url") or next(
            (u.get("response_url") for u in body.get("response_urls") or []), None
        )
        return cls(slack=slack, user_id=user, channel_id=channel, response_url=url)

    async def send(self, text: str, blocks: Sequence[Block] | None = None) -> None:
        """Send mrkdwn as it is: user text in it was escaped where it was put in (see the
        rule in app/slack/blocks/text.py), so nothing here escapes it again."""
        if self.response_url and await self.slack.respond(
            self.response_url, text=text, blocks=blocks
        ):
            return
        if self.channel_id and await self.slack.ephemeral(
            self.channel_id, self.user_id, text=text, blocks=blocks
        ):
            return
        await self.slack.post_message(self.user_id, text=text, blocks=blocks)

"""The bot's Web API client retries a dropped connection only for calls that create nothing:
a post whose answer was lost is not posted twice; a read is simply asked again."""

from __future__ import annotations

import pytest
from aiohttp import ServerDisconnectedError

from app.slack.gateway_core import make_client
from app.slackdouble import SlackDouble

from .helpers import MARIA


async def test_a_dropped_post_is_not_sent_again_but_a_dropped_read_is(double: SlackDouble) -> None:
    room = double.add_channel("crisis-acme", members=[double.bot_user_id, MARIA])
    client = make_client(token=double.token, base_url=double.api_url)
    try:
        double.fault("chat.postMessage", "drop", times=1)
        with pytest.raises(ServerDisconnectedError):
            await client.chat_postMessage(channel=room, text="Nudge: the update is due")
        assert [m.text for m in double.messages(room)] == ["Nudge: the update is due"]  # once
        double.fault("conversations.info", "drop", times=1)
        info = await client.conversations_info(channel=room)
        assert info["channel"]["id"] == room
        assert [c.fault for c in double.calls_to("conversations.info")] == ["drop", None]
    finally:
        if client.session is not None:
            await client.session.close()

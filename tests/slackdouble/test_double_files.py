"""files_upload_v2 end to end, files.info and authenticated downloads."""

from __future__ import annotations

import aiohttp
from slack_sdk.web.async_client import AsyncWebClient

from app.slackdouble import SlackDouble

from .helpers import MARIA, error_of


async def test_files_upload_v2_shares_into_channel(
    client: AsyncWebClient, double: SlackDouble
) -> None:
    channel = (await client.conversations_create(name="crisis-files"))["channel"]["id"]
    result = await client.files_upload_v2(
        channel=channel,
        content=b"timeline,notes\n09:00,detected\n",
        filename="timeline.csv",
        title="Incident timeline",
        initial_comment="Timeline attached",
    )
    shared = result["file"]
    assert shared["name"] == "timeline.csv"
    assert shared["title"] == "Incident timeline"
    assert shared["size"] == len(b"timeline,notes\n09:00,detected\n")
    [message] = double.messages(channel)
    assert message.text == "Timeline attached"
    assert [f.id for f in message.files] == [shared["id"]]
    info = await client.files_info(file=shared["id"])
    assert info["file"]["mimetype"] == "text/csv"
    assert await error_of(client.files_info(file="F0NOPE")) == "file_not_found"


async def test_url_private_needs_bot_token(client: AsyncWebClient, double: SlackDouble) -> None:
    result = await client.files_upload_v2(content=b"secret", filename="memo.txt")
    url = result["file"]["url_private"]
    async with aiohttp.ClientSession() as http:
        async with http.get(url) as anonymous:
            assert anonymous.status == 403
        headers = {"Authorization": f"Bearer {double.token}"}
        async with http.get(url, headers=headers) as authorised:
            assert authorised.status == 200
            assert await authorised.read() == b"secret"


async def test_human_upload_emits_file_share(double: SlackDouble) -> None:
    channel = double.add_channel("evidence", members=[MARIA])
    seen: list[dict] = []

    async def collect(event: dict) -> None:
        seen.append(event)

    double.subscribe(collect)
    uploaded = double.upload_as(MARIA, channel, "photo.png", b"\x89PNG", "image/png")
    await double.settle()
    [event] = seen
    assert event["subtype"] == "file_share"
    assert event["files"][0]["id"] == uploaded.id
    assert event["files"][0]["mimetype"] == "image/png"
    assert uploaded.content == b"\x89PNG"

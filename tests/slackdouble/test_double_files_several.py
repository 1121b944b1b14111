"""files_upload_v2 with several files: one completeUploadExternal, one message, every file."""

from __future__ import annotations

from slack_sdk.web.async_client import AsyncWebClient

from app.slackdouble import SlackDouble

from .helpers import error_of


async def test_several_files_share_in_one_message_in_order(
    client: AsyncWebClient, double: SlackDouble
) -> None:
    channel = (await client.conversations_create(name="crisis-several"))["channel"]["id"]
    result = await client.files_upload_v2(
        file_uploads=[
            {"content": b"<html>record</html>", "filename": "record.html", "title": "Record"},
            {"content": b'{"files": []}\n', "filename": "record.html.manifest.json"},
        ],
        channel=channel,
        initial_comment="The record and its manifest",
    )
    listed = result["files"]
    assert [f["name"] for f in listed] == ["record.html", "record.html.manifest.json"]
    assert [f["title"] for f in listed] == ["Record", "record.html.manifest.json"]
    assert "file" not in result.data  # slack-sdk names one file only for a single upload
    [message] = double.messages(channel)
    assert message.text == "The record and its manifest"
    assert [f.id for f in message.files] == [f["id"] for f in listed]
    assert [f.content for f in message.files] == [b"<html>record</html>", b'{"files": []}\n']


async def test_completing_a_file_never_uploaded_fails(client: AsyncWebClient) -> None:
    started = await client.files_getUploadURLExternal(filename="late.txt", length=4)
    files = [{"id": started["file_id"], "title": "late"}]
    assert await error_of(client.files_completeUploadExternal(files=files)) == "file_not_found"

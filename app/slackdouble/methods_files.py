"""files.* methods for the v2 upload flow (getUploadURLExternal → POST → complete)."""

from __future__ import annotations

import mimetypes
from typing import Any
from urllib.parse import quote

from app.slackdouble import messaging
from app.slackdouble.args import Handler, int_arg, list_arg, text_arg
from app.slackdouble.errors import SlackError, invalid
from app.slackdouble.methods_chat import target_channel
from app.slackdouble.workspace import SlackFile, Workspace


def new_file(
    ws: Workspace,
    filename: str,
    user_id: str,
    *,
    size: int,
    mimetype: str | None = None,
    content: bytes | None = None,
) -> SlackFile:
    """A file the workspace knows; content None means the upload has not arrived yet."""
    file_id = ws.new_id("F")
    mimetype = mimetype or mimetypes.guess_type(filename)[0] or "application/octet-stream"
    url = f"{ws.base_url}/files/{file_id}/{quote(filename)}"
    created = int(ws.wall())
    slack_file = SlackFile(file_id, filename, filename, mimetype, size, user_id, url, created)
    slack_file.content = content
    ws.files[file_id] = slack_file
    return slack_file


def store_upload(ws: Workspace, file_id: str, data: bytes) -> bool:
    """Receive the bytes POSTed to an upload URL; False if the URL is unknown or used."""
    slack_file = ws.files.get(file_id)
    if slack_file is None or slack_file.content is not None:
        return False
    slack_file.content = data
    slack_file.size = len(data)
    return True


def get_upload_url(ws: Workspace, args: dict[str, Any]) -> dict[str, Any]:
    filename = text_arg(args, "filename")
    length = int_arg(args, "length", 0)
    if not filename or length <= 0:
        raise invalid("invalid_arguments", ["[ERROR] filename and a positive length required"])
    slack_file = new_file(ws, filename, ws.bot.id, size=length)
    return {"upload_url": f"{ws.base_url}/upload/{slack_file.id}", "file_id": slack_file.id}


def complete_upload(ws: Workspace, args: dict[str, Any]) -> dict[str, Any]:
    items = args.get("files")
    if not isinstance(items, list) or not items:
        raise invalid("invalid_arguments", ["[ERROR] files must be a non-empty array"])
    files = [_uploaded(ws, item) for item in items]
    channel_id = text_arg(args, "channel_id") or next(iter(list_arg(args, "channels")), "")
    if channel_id:
        channel = target_channel(ws, {"channel": channel_id})
        thread_ts = text_arg(args, "thread_ts") or None
        if thread_ts and channel.find(thread_ts) is None:
            raise SlackError("thread_not_found")
        comment = text_arg(args, "initial_comment")
        messaging.post(ws, channel, ws.bot.id, text=comment, thread_ts=thread_ts, files=files)
    return {"files": [f.to_slack() for f in files]}


def _uploaded(ws: Workspace, item: Any) -> SlackFile:
    file_id = item.get("id") if isinstance(item, dict) else None
    slack_file = ws.files.get(str(file_id))
    if slack_file is None or slack_file.content is None:
        raise SlackError("file_not_found")
    if item.get("title"):
        slack_file.title = str(item["title"])
    return slack_file


def files_info(ws: Workspace, args: dict[str, Any]) -> dict[str, Any]:
    slack_file = ws.files.get(text_arg(args, "file"))
    if slack_file is None or slack_file.content is None:
        raise SlackError("file_not_found")
    return {"file": slack_file.to_slack()}


METHODS: dict[str, Handler] = {
    "files.getUploadURLExternal": get_upload_url,
    "files.completeUploadExternal": complete_upload,
    "files.info": files_info,
}

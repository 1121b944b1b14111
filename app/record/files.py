"""Shared files: their bytes downloaded with the bot token, up to a size cap, and hashed."""

from __future__ import annotations

import hashlib
import logging
from dataclasses import dataclass
from typing import Any

import aiohttp

from app.errors import SlackFailure
from app.slack.gateway import SlackGateway

logger = logging.getLogger(__name__)

CHUNK = 64 * 1024
TIMEOUT = aiohttp.ClientTimeout(total=120)


@dataclass(frozen=True)
class Fetched:
    """A file's metadata as the record keeps it, and its bytes when they were stored."""

    meta: dict[str, Any]
    content: bytes | None


async def fetch_all(
    slack: SlackGateway, files: tuple[dict[str, Any], ...], *, cap: int
) -> list[Fetched]:
    if not files:
        return []
    async with aiohttp.ClientSession(timeout=TIMEOUT) as http:
        return [await fetch(slack, http, item, cap=cap) for item in files]


async def fetch(
    slack: SlackGateway, http: aiohttp.ClientSession, item: dict[str, Any], *, cap: int
) -> Fetched:
    item = await _complete(slack, item)
    meta = {key: item.get(key) for key in ("id", "name", "title", "mimetype", "size", "user")}
    url = item.get("url_private_download") or item.get("url_private")
    size = int(item.get("size") or 0)
    if not url:
        return _unstored(meta, "Slack gave no download link")
    if size > cap:
        return _unstored(meta, f"larger than the {cap:,}-byte cap")
    try:
        content = await _download(http, str(url), slack.client.token or "", cap=cap)
    except _NotStored as reason:
        return _unstored(meta, str(reason))
    except (aiohttp.ClientError, TimeoutError) as error:
        logger.warning("could not download file %s: %s", meta.get("id"), error)
        return _unstored(meta, "the download failed")
    meta.update(sha256=hashlib.sha256(content).hexdigest(), stored=True, size=len(content))
    return Fetched(meta, content)


async def _complete(slack: SlackGateway, item: dict[str, Any]) -> dict[str, Any]:
    """Events may carry only a file's id ("file_access": "check_file_info"): ask files.info."""
    if item.get("url_private") or not item.get("id"):
        return item
    try:
        response = await slack.call(
            "read the shared file", slack.client.files_info, file=item["id"]
        )
    except SlackFailure as failure:
        logger.warning("files.info failed for %s: %s", item.get("id"), failure.error)
        return item
    return {**item, **(response.get("file") or {})}


class _NotStored(Exception):
    pass


async def _download(http: aiohttp.ClientSession, url: str, token: str, *, cap: int) -> bytes:
    headers = {"Authorization": f"Bearer {token}"}
    async with http.get(url, headers=headers) as response:
        if response.status != 200:
            raise _NotStored(f"Slack answered {response.status} to the download")
        if response.content_type == "text/html" and "html" not in url.lower():
            raise _NotStored("Slack answered with a sign-in page (is files:read granted?)")
        parts, total = [], 0
        async for chunk in response.content.iter_chunked(CHUNK):
            total += len(chunk)
            if total > cap:
                raise _NotStored(f"larger than the {cap:,}-byte cap")
            parts.append(chunk)
    return b"".join(parts)


def _unstored(meta: dict[str, Any], reason: str) -> Fetched:
    return Fetched({**meta, "stored": False, "not_stored_because": reason}, None)

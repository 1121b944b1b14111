"""Shared files: their bytes downloaded with the bot token, up to a size cap, and hashed.

The token goes only where app/slack/file_hosts.py allows (Slack's HTTPS file hosts and the
origin of SLACK_API_URL). Redirects are never followed blindly: each hop is checked the same
way, at most MAX_HOPS of them. A file that may not be fetched is recorded by its details only,
with the reason in `not_stored_because`, and no request is made for it.
"""

from __future__ import annotations

import hashlib
import logging
from dataclasses import dataclass
from typing import Any

import aiohttp
from yarl import URL

from app.errors import SlackFailure
from app.slack.file_hosts import check_download, check_redirect, external_reason
from app.slack.gateway import SlackGateway

logger = logging.getLogger(__name__)

CHUNK = 64 * 1024
TIMEOUT = aiohttp.ClientTimeout(total=120)
MAX_HOPS = 3
REDIRECTS = frozenset({301, 302, 303, 307, 308})
META_FIELDS = ("id", "name", "title", "mimetype", "size", "user")


@dataclass(frozen=True)
class Fetched:
    """A file's metadata as the record keeps it, and its bytes when they were stored."""

    meta: dict[str, Any]
    content: bytes | None


@dataclass(frozen=True)
class _Download:
    """What one download needs: the session, where the token may go, and the token."""

    http: aiohttp.ClientSession
    api_url: str
    token: str
    cap: int


async def fetch_all(
    slack: SlackGateway, files: tuple[dict[str, Any], ...], *, cap: int
) -> list[Fetched]:
    if not files:
        return []
    jar = aiohttp.DummyCookieJar()  # no cookie set by one host is ever sent anywhere
    async with aiohttp.ClientSession(timeout=TIMEOUT, cookie_jar=jar) as http:
        job = _Download(http, slack.api_url, slack.token, cap)
        return [await fetch(slack, job, item) for item in files]


async def fetch(slack: SlackGateway, job: _Download, item: dict[str, Any]) -> Fetched:
    item = await _complete(slack, item)
    meta = {key: item.get(key) for key in META_FIELDS}
    url = item.get("url_private_download") or item.get("url_private")
    size = int(item.get("size") or 0)
    refused = external_reason(item)
    if refused:
        return _unstored({**meta, "is_external": True}, refused)
    if not url:
        return _unstored(meta, "Slack gave no download link")
    verdict = check_download(str(url), api_url=job.api_url)
    if verdict.url is None:
        return _unstored(meta, str(verdict.reason))
    if size > job.cap:
        return _unstored(meta, f"larger than the {job.cap:,}-byte cap")
    try:
        content = await _download(job, verdict.url)
    except _NotStored as reason:
        return _unstored(meta, str(reason))
    except (aiohttp.ClientError, TimeoutError) as error:
        logger.warning("could not download file %s: %s", meta.get("id"), type(error).__name__)
        return _unstored(meta, "the download failed")
    meta.update(sha256=hashlib.sha256(content).hexdigest(), stored=True, size=len(content))
    return Fetched(meta, content)


async def _complete(slack: SlackGateway, item: dict[str, Any]) -> dict[str, Any]:
    """Events may carry only a file's id ("file_access": "check_file_info"): ask files.info."""
    if item.get("url_private") or not item.get("id"):
        return item
    try:
        file = await slack.file_info(str(item["id"]), what="read the shared file")
    except SlackFailure as failure:
        logger.warning("files.info failed for %s: %s", item.get("id"), failure.error)
        return item
    return {**item, **file}


class _NotStored(Exception):
    pass


async def _download(job: _Download, url: URL) -> bytes:
    """GET `url` with the token, following at most MAX_HOPS redirects that stay with Slack."""
    headers = {"Authorization": f"Bearer {job.token}"}
    for _ in range(MAX_HOPS + 1):
        async with job.http.get(url, headers=headers, allow_redirects=False) as response:
            if response.status not in REDIRECTS:
                return await _read(response, url, cap=job.cap)
            verdict = check_redirect(url, response.headers.get("Location"), api_url=job.api_url)
        if verdict.url is None:
            raise _NotStored(str(verdict.reason))
        url = verdict.url
    raise _NotStored(f"Slack redirected the download more than {MAX_HOPS} times; not followed")


async def _read(response: aiohttp.ClientResponse, url: URL, *, cap: int) -> bytes:
    if response.status != 200:
        raise _NotStored(f"Slack answered {response.status} to the download")
    if response.content_type == "text/html" and "html" not in str(url).lower():
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

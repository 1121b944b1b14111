"""The two loads of the metrics bench, each sent at a steady pace (open loop: a request leaves
on time whether or not earlier ones were answered, so a slow bot shows as latency).

- Slack's message events into one war room, signed as Slack signs them; each ack timed.
- Signed `POST /hooks/metrics` batches spread evenly over the seconds, round-robin across the
  incidents; each answer timed and its status kept.
"""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import json
import time
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field

import aiohttp

from app.slackdouble.driver import SentRequest

METRICS = ("views", "mentions", "shares", "sentiment", "reach")
SOURCES = ("brandwatch", "meltwater")


@dataclass
class Timed:
    """Latencies (ms) and statuses of the requests one load sent."""

    ms: list[float] = field(default_factory=list)
    statuses: list[int] = field(default_factory=list)
    started: float = 0.0
    ended: float = 0.0

    @property
    def seconds(self) -> float:
        return self.ended - self.started

    @property
    def shed(self) -> int:
        """Answered 503 busy (the sender would send them again later)."""
        return sum(status == 503 for status in self.statuses)

    @property
    def refused(self) -> int:
        return sum(status not in (200, 503) for status in self.statuses)


async def paced(count: int, rate: float, send: Callable[[int], Awaitable[None]]) -> None:
    """Start send(0), send(1), … at `rate` a second, then wait for every one to finish."""
    started, tasks = time.perf_counter(), []
    for n in range(count):
        delay = started + n / rate - time.perf_counter()
        if delay > 0:
            await asyncio.sleep(delay)
        tasks.append(asyncio.create_task(send(n)))
    await asyncio.gather(*tasks)


async def timed_posts(
    http: aiohttp.ClientSession,
    url: str,
    count: int,
    rate: float,
    request: Callable[[int], SentRequest],
) -> Timed:
    """`count` POSTs to `url` at `rate` a second; request(n) builds (and signs) the n-th just
    before it leaves."""
    timed = Timed(started=time.perf_counter())

    async def send(n: int) -> None:
        sent = request(n)
        began = time.perf_counter()
        async with http.post(url, data=sent.body.encode(), headers=sent.headers) as response:
            await response.read()
            timed.statuses.append(response.status)
        timed.ms.append((time.perf_counter() - began) * 1000)

    await paced(count, rate, send)
    timed.ended = time.perf_counter()
    return timed


async def message_acks(
    url: str, requests: Sequence[SentRequest], rate: float, http: aiohttp.ClientSession
) -> Timed:
    """Slack's message events, signed beforehand, at `rate` a second."""
    return await timed_posts(http, url, len(requests), rate, lambda n: requests[n])


def signed(body: str, *, key: str, secret: str) -> SentRequest:
    stamp = str(int(time.time()))
    digest = hmac.new(secret.encode(), f"v0:{stamp}:{body}".encode(), hashlib.sha256)
    headers = {
        "Content-Type": "application/json",
        "X-Crisis-Key": key,
        "X-Crisis-Request-Timestamp": stamp,
        "X-Crisis-Signature": "v0=" + digest.hexdigest(),
    }
    return SentRequest(body, headers)


def batch(incident: int, size: int, at: float) -> str:
    """`size` points for one incident measured at `at`: metric × source pairs, so each point
    is new (at is the moment of sending, to the millisecond)."""
    points = [
        {
            "incident": f"INC-{incident}",
            "metric": METRICS[k % len(METRICS)],
            "value": 1000 + k,
            "source": SOURCES[k // len(METRICS) % len(SOURCES)],
            "at": round(at, 3),
        }
        for k in range(size)
    ]
    return json.dumps({"points": points})


@dataclass
class HookLoad:
    timed: Timed
    size: int  # points a request

    @property
    def points(self) -> int:
        """Points the bot took (answered 200)."""
        return sum(status == 200 for status in self.timed.statuses) * self.size


async def hook_load(
    url: str,
    incidents: Sequence[int],
    *,
    per_minute: int,
    seconds: float,
    size: int,
    secret: str,
    http: aiohttp.ClientSession,
) -> HookLoad:
    """`per_minute` points a minute for `seconds`, in batches of `size`, round-robin across
    `incidents`."""
    assert size <= len(METRICS) * len(SOURCES), "a batch's points must differ by metric/source"
    count = round(per_minute * seconds / 60 / size)
    rate = count / seconds

    def request(n: int) -> SentRequest:
        body = batch(incidents[n % len(incidents)], size, time.time())
        return signed(body, key="install", secret=secret)

    timed = await timed_posts(http, url, count, rate, request)
    return HookLoad(timed, size)

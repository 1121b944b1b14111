"""Slack's side of the chaos run: every event delivered with Slack's retries, and a clock on
the double's Web API calls.

`Deliveries` subscribes to the double and sends each event the app is subscribed to (the
manifest's message.channels / message.groups, reactions, pins; not DMs) through the
balancer, each in its own task, as Slack does: a 3 s timeout, then retries with the same
event_id and X-Slack-Retry-Num after Slack's delays (immediately, 1 min, 5 min; scaled by
the bench, default 1:60). An event is "acked" when an attempt got 200, "gave up" when the
last retry failed. `CallClock` stamps each call in `double.calls` with the time it was
first seen (sampled every 20 ms), since the double keeps no times.
"""

from __future__ import annotations

import asyncio
import itertools
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import aiohttp
from _loader import event_request
from _procs import SIGNING_SECRET

from app.slackdouble import SlackDouble, SlackDriver
from app.slackdouble.driver import SentRequest

SUBSCRIBED = frozenset(
    {"message", "reaction_added", "reaction_removed", "pin_added", "pin_removed"}
)
SLACK_TIMEOUT = 3.0


@dataclass
class Delivery:
    """One event and what happened to its deliveries."""

    event: dict[str, Any]
    event_id: str
    first_sent: float
    attempts: list[tuple[float, int]] = field(default_factory=list)  # (time, status; 0 = none)
    outcome: str = "in flight"  # "acked" or "gave up" once settled

    @property
    def acked_at(self) -> float | None:
        return next((t for t, status in self.attempts if status == 200), None)


class Deliveries:
    """Delivers the double's events to the balancer as Slack would; remembers every outcome."""

    def __init__(self, double: SlackDouble, url: str, retry_delays: Sequence[float]) -> None:
        self.double = double
        self.url = url
        self.retry_delays = tuple(retry_delays)
        self.signer = SlackDriver(double, url, SIGNING_SECRET)
        self.all: list[Delivery] = []
        self._ids = itertools.count(1)
        self._tasks: set[asyncio.Task[None]] = set()
        self._http: aiohttp.ClientSession | None = None

    async def start(self) -> None:
        connector = aiohttp.TCPConnector(force_close=True, limit=256)  # a balancer turn each
        timeout = aiohttp.ClientTimeout(total=SLACK_TIMEOUT)
        self._http = aiohttp.ClientSession(connector=connector, timeout=timeout)
        self.double.subscribe(self._heard)

    async def stop(self) -> None:
        self.double.unsubscribe(self._heard)
        for task in list(self._tasks):
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)
        if self._http is not None:
            await self._http.close()
        await self.signer.close()

    def in_flight(self) -> int:
        return len(self._tasks)

    async def drain(self, timeout: float) -> None:
        """Until every delivery has settled (acked or given up), or `timeout` passed."""
        await self.double.settle()
        deadline = time.monotonic() + timeout
        while self._tasks and time.monotonic() < deadline:
            await asyncio.sleep(0.1)

    async def _heard(self, event: dict[str, Any]) -> None:
        if not self._subscribed(event):
            return
        delivery = Delivery(event, f"EvCHAOS{next(self._ids):07d}", time.time())
        self.all.append(delivery)
        task = asyncio.create_task(self._deliver(delivery))
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    def _subscribed(self, event: dict[str, Any]) -> bool:
        if event.get("type") not in SUBSCRIBED:
            return False
        where = event.get("channel") or (event.get("item") or {}).get("channel")
        channel = self.double.ws.channels.get(str(where or ""))
        if channel is None or channel.is_im:
            return False  # the app subscribes to no DM events
        return self.double.bot_user_id in channel.members

    async def _deliver(self, delivery: Delivery) -> None:
        for retry in range(len(self.retry_delays) + 1):
            if retry:
                await asyncio.sleep(self.retry_delays[retry - 1])
            status = await self._post(delivery, retry)
            delivery.attempts.append((time.time(), status))
            if status == 200:
                delivery.outcome = "acked"
                return
        delivery.outcome = "gave up"

    async def _post(self, delivery: Delivery, retry: int) -> int:
        assert self._http is not None
        signed = event_request(self.signer, delivery.event, delivery.event_id)
        headers = dict(signed.headers)
        if retry:
            reason = "http_error"
            if delivery.attempts and delivery.attempts[-1][1] == 0:
                reason = "http_timeout"
            headers |= {"X-Slack-Retry-Num": str(retry), "X-Slack-Retry-Reason": reason}
        request = SentRequest(signed.body, headers)
        try:
            async with self._http.post(
                self.url, data=request.body.encode(), headers=request.headers
            ) as response:
                await response.read()
                return response.status
        except (aiohttp.ClientError, TimeoutError):
            return 0


class CallClock:
    """When each Web API call reached the double (index in double.calls -> time.time())."""

    def __init__(self, double: SlackDouble, every: float = 0.02) -> None:
        self.double = double
        self.every = every
        self.times: list[float] = []
        self._task: asyncio.Task[None] | None = None

    def start(self) -> None:
        self._task = asyncio.create_task(self._run())

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            await asyncio.gather(self._task, return_exceptions=True)
        self._stamp()

    def _stamp(self) -> None:
        now = time.time()
        self.times.extend([now] * (len(self.double.calls) - len(self.times)))

    async def _run(self) -> None:
        while True:
            self._stamp()
            await asyncio.sleep(self.every)

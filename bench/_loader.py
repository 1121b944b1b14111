"""The Slack side of the side-by-side benchmarks: the double, people talking, signed requests.

Events are built and signed before a burst starts (as Slack would send them: the envelope of
app/slackdouble/driver.py), then posted with a fixed number in flight, each ack timed.
"""

from __future__ import annotations

import asyncio
import gc
import json
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import aiohttp

from app.harness.seed import ALEX, DAVID, GENERAL, LISA, MARIA, PEOPLE, ROBERT, SARAH
from app.slackdouble import SlackDouble, SlackDriver
from app.slackdouble.driver import VERIFICATION_TOKEN, SentRequest
from app.slackdouble.viewstore import APP_ID

TOKEN = "xoxb-bench-token"
TALKERS = [MARIA, DAVID, LISA, ROBERT, SARAH]
MARKER = {"type": "bench_marker"}


def percentile(values: Sequence[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


async def start_double() -> tuple[SlackDouble, str]:
    """A Slack double with the seed's people and #general; returns it and #general's id."""
    double = SlackDouble(token=TOKEN)
    for person in PEOPLE:
        double.add_user(person.id, person.handle, person.name, is_admin=person.is_admin)
    general = double.add_channel(GENERAL, members=[p.id for p in PEOPLE])
    await double.start()
    return double, general


async def open_war_room(driver: SlackDriver, general: str, title: str) -> None:
    """Give the five their roles, then open an incident (the bot creates its war room)."""
    for person in TALKERS:
        assert person.role is not None
        await command(driver, ALEX.id, f"role add {person.role.value} <@{person.id}>", general)
    await command(driver, MARIA.id, f"open {title}", general)


async def command(driver: SlackDriver, user: str, text: str, channel: str) -> float:
    """Send `/crisis <text>`; the ack's latency in ms."""
    response = await driver.command(user, text, channel_id=channel)
    assert response.status == 200, (response.status, response.text)
    return response.elapsed * 1000


async def chatter(
    double: SlackDouble, channel: str, events: int, start: int = 0
) -> list[dict[str, Any]]:
    """People talk in the war room (70% posts, 20% thread replies, 10% edits); the events
    exactly as the double emits them, and only those (not what the bot posts meanwhile)."""
    heard: list[dict[str, Any]] = []
    done = asyncio.Event()

    async def collect(event: dict[str, Any]) -> None:
        if event.get("type") == MARKER["type"]:
            done.set()
        elif not done.is_set():
            heard.append(event)

    double.subscribe(collect)
    roots: list[tuple[str, str]] = []
    for n in range(start, start + events):
        person = TALKERS[n % len(TALKERS)].id
        if n % 10 == 9 and roots:
            author, ts = roots[-1]
            double.edit_as(author, channel, ts, f"message {n} (edited)")
        elif n % 10 in (3, 6) and roots:
            double.post_as(person, channel, f"reply {n}", thread_ts=roots[-1][1])
        else:
            roots.append((person, double.post_as(person, channel, f"message {n}: status")))
    double.ws.bus.emit(dict(MARKER))  # nothing awaited since the first post: it comes last
    await done.wait()
    double.unsubscribe(collect)
    return heard


def event_request(driver: SlackDriver, event: dict[str, Any], event_id: str) -> SentRequest:
    """The signed request Slack sends for this event (the envelope SlackDriver.event builds)."""
    envelope = {
        "token": VERIFICATION_TOKEN,
        "team_id": driver.team_id,
        "context_team_id": driver.team_id,
        "context_enterprise_id": None,
        "api_app_id": APP_ID,
        "event": event,
        "type": "event_callback",
        "event_id": event_id,
        "event_time": int(time.time()),
        "authorizations": [
            {
                "enterprise_id": None,
                "team_id": driver.team_id,
                "user_id": driver.double.bot_user_id,
                "is_bot": True,
                "is_enterprise_install": False,
            }
        ],
        "is_ext_shared_channel": False,
    }
    body = json.dumps(envelope)
    timestamp = int(time.time())
    headers = {
        "Content-Type": "application/json",
        "X-Slack-Request-Timestamp": str(timestamp),
        "X-Slack-Signature": driver.sign(body, timestamp),
    }
    return SentRequest(body, headers)


@dataclass
class Burst:
    """What a burst's acks looked like (latencies in ms, times from time.perf_counter)."""

    started: float
    last_ack: float = 0.0
    acks: list[float] = field(default_factory=list)

    @property
    def seconds(self) -> float:
        return self.last_ack - self.started


async def burst(url: str, requests: Sequence[SentRequest], in_flight: int) -> Burst:
    """Post every request, `in_flight` at a time; every answer must be 200."""
    gc.collect()
    gc.freeze()  # the double's workspace is big: no long collections of it mid-burst
    pending = iter(requests)
    connector = aiohttp.TCPConnector(limit=in_flight)
    async with aiohttp.ClientSession(connector=connector) as http:
        result = Burst(started=time.perf_counter())

        async def worker() -> None:
            for request in pending:
                began = time.perf_counter()
                data = request.body.encode()
                async with http.post(url, data=data, headers=request.headers) as response:
                    text = await response.text()
                    assert response.status == 200, (response.status, text)
                result.last_ack = time.perf_counter()
                result.acks.append((result.last_ack - began) * 1000)

        await asyncio.gather(*(worker() for _ in range(in_flight)))
    return result


# The record catch-up's routine looks (history reads, at most 20 a minute per process) never
# stop while incidents are open: they are not work left over from what was measured.
READS = frozenset({"conversations.history", "conversations.replies"})


async def quiet(
    double: SlackDouble, still: float = 0.5, timeout: float = 60, reads: float = float("inf")
) -> None:
    """Until the double has had, for `still` seconds, no Web API call but at most `reads`
    history reads (the catch-up's pace: 1 in 3 s; a start-up recovery reads much faster)."""
    deadline = time.monotonic() + timeout
    seen, since, read = len(double.calls), time.monotonic(), 0
    while time.monotonic() - since < still:
        if time.monotonic() > deadline:
            raise TimeoutError("the bot kept calling Slack")
        await asyncio.sleep(0.05)
        new = double.calls[seen:]
        seen += len(new)
        read += sum(call.method in READS for call in new)
        if read > reads or any(call.method not in READS for call in new):
            since, read = time.monotonic(), 0

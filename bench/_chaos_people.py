"""What people do in the chaos run, as signed requests through the balancer (or, for clicks,
straight to a chosen replica): roles, opens, cadences, proposals, approvals, updates, talk.

A form is filled once the bot has opened it in the double (views.open); one person's forms
are filled one at a time. Anything the bot refuses or never answers is counted, not raised:
the run measures what the bot does, including failing.
"""

from __future__ import annotations

import asyncio
import time
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

import aiohttp
from _procs import SIGNING_SECRET

from app.approvals.models import CardCopy
from app.harness.seed import ALEX, DAVID, LISA, MARIA, PEOPLE, ROBERT, SARAH
from app.roles.models import Role
from app.slack import ids
from app.slackdouble import SlackDouble, SlackDriver

TALKERS = [MARIA, DAVID, LISA, ROBERT, SARAH]
APPROVERS = ((DAVID.id, Role.LEGAL), (ROBERT.id, Role.EXEC))  # a public statement's two
FORM_WAIT = 10.0


@dataclass
class People:
    """The seed's people on one double, with drivers to the balancer and to each replica."""

    double: SlackDouble
    general: str
    balancer: SlackDriver
    replicas: list[SlackDriver]
    refused: Counter[str] = field(default_factory=Counter)  # what did not get through, by kind
    done: Counter[str] = field(default_factory=Counter)
    locks: dict[str, asyncio.Lock] = field(default_factory=dict)
    roots: dict[str, list[tuple[str, str]]] = field(default_factory=dict)
    said: int = 0
    sessions: list[aiohttp.ClientSession] = field(default_factory=list)

    async def close(self) -> None:
        for driver in (self.balancer, *self.replicas):
            await driver.close()
        for session in self.sessions:
            await session.close()

    async def command(self, user: str, text: str, channel: str, kind: str) -> bool:
        try:
            response = await self.balancer.command(user, text, channel_id=channel)
        except (aiohttp.ClientError, TimeoutError):
            response = None
        if response is None or response.status != 200:
            self.refused[kind] += 1
            return False
        return True

    async def form(self, user: str, command: str, channel: str, view: str, values: Any) -> bool:
        """`/crisis <command>`, then submit the form it opens with `values`."""
        async with self.locks.setdefault(user, asyncio.Lock()):
            if not await self.command(user, command, channel, view):
                return False
            if not await self._form_open(user, view):
                self.refused[f"{view} (form never opened)"] += 1
                return False
            try:
                response = await self.balancer.submit_view(user, values)
            except (aiohttp.ClientError, TimeoutError, AssertionError):
                response = None
            ok = response is not None and response.status == 200 and "errors" not in response.text
            self._close_forms(user)
            self.done[view] += ok
            self.refused[view] += not ok
            return ok

    async def _form_open(self, user: str, callback_id: str) -> bool:
        deadline = time.monotonic() + FORM_WAIT
        while time.monotonic() < deadline:
            views = self.double.open_views(user)
            if views and views[-1].get("callback_id") == callback_id:
                return True
            await asyncio.sleep(0.05)
        return False

    def _close_forms(self, user: str) -> None:
        for view in list(reversed(self.double.open_views(user))):
            self.double.close_view(user, view["id"])

    async def roles(self) -> None:
        for person in PEOPLE:
            if person.role is not None:
                text = f"role add {person.role.value} <@{person.id}>"
                await self.command(ALEX.id, text, self.general, "role add")

    async def open(self, title: str, *, modal: bool) -> None:
        if not modal:
            await self.command(MARIA.id, f"open {title}", self.general, "open")
            return
        values = {ids.OPEN_TITLE: title, ids.OPEN_SEVERITY: "SEV1", ids.OPEN_KIND: "crisis"}
        await self.form(MARIA.id, "open", self.general, ids.OPEN_INCIDENT_VIEW, values)

    async def cadence(self, channel: str, seconds: int) -> None:
        await self.command(MARIA.id, f"cadence {seconds}s", channel, "cadence")

    async def propose(self, channel: str, title: str) -> bool:
        values = {
            ids.PROPOSE_DETAILS: f"{title}: we are sorry, and here is what we change.",
            ids.PROPOSE_CATEGORY: "public_statement",
        }
        return await self.form(MARIA.id, f"propose {title}", channel, ids.PROPOSE_VIEW, values)

    async def update(self, channel: str, n: int) -> bool:
        values = {
            ids.UPDATE_CHANGED: f"Update {n}: sentiment is stabilising.",
            ids.UPDATE_STATUS: "responding",
        }
        return await self.form(MARIA.id, "update", channel, ids.UPDATE_VIEW, values)

    async def approve_together(self, copies: list[CardCopy], first: int) -> None:
        """Both approvers press Approve at once on their own DM copies, each on another
        replica (`first` and the next; a replica that refuses the connection passes it on)."""
        dms = {}
        for user, _ in APPROVERS:
            channel = self.double.dm_channel(user)
            if channel is not None:
                dms[channel.id] = user
        clicks = []
        for turn, (user, role) in enumerate(APPROVERS):
            copy = next((c for c in copies if dms.get(c.channel_id) == user), None)
            if copy is None:
                self.refused["approve (no DM copy)"] += 1
                continue
            n = len(self.replicas)
            order = [self.replicas[(first + turn + k) % n] for k in range(n)]
            clicks.append(self._click(order, user, role, copy))
        await asyncio.gather(*clicks)

    async def _click(
        self, drivers: list[SlackDriver], user: str, role: Role, copy: CardCopy
    ) -> None:
        response = None
        for driver in drivers:
            try:
                response = await driver.click(
                    user,
                    ids.APPROVE,
                    block_id=f"{ids.CARD_DECIDE}{role.value}",
                    channel_id=copy.channel_id,
                    message_ts=copy.ts,
                )
                break
            except AssertionError:  # the copy shows no such button (any more)
                self.refused["approve (button not shown)"] += 1
                return
            except aiohttp.ClientConnectorError:
                continue  # that replica is down: the next one
            except (aiohttp.ClientError, TimeoutError):
                break
        ok = response is not None and response.status == 200
        self.done["approve"] += ok
        self.refused["approve"] += not ok

    def talk(self, rooms: list[str]) -> None:
        """One thing said: 70 % posts, 20 % thread replies, 10 % edits, rooms in turn."""
        n = self.said
        self.said += 1
        room = rooms[n % len(rooms)]
        roots = self.roots.setdefault(room, [])
        person = TALKERS[n % len(TALKERS)].id
        if n % 10 == 9 and roots:
            author, ts = roots[-1]
            self.double.edit_as(author, room, ts, f"message {n} (edited)")
        elif n % 10 in (3, 6) and roots:
            self.double.post_as(person, room, f"reply {n}", thread_ts=roots[-1][1])
        else:
            roots.append((person, self.double.post_as(person, room, f"message {n}: status")))


def people(double: SlackDouble, general: str, balancer: str, replicas: list[str]) -> People:
    """Drivers that open a connection per request (so the balancer turns at each one)."""
    sessions: list[aiohttp.ClientSession] = []

    def driver(url: str) -> SlackDriver:
        connector = aiohttp.TCPConnector(force_close=True)
        timeout = aiohttp.ClientTimeout(total=30)
        sessions.append(aiohttp.ClientSession(connector=connector, timeout=timeout))
        return SlackDriver(double, url, SIGNING_SECRET, http=sessions[-1])

    made = People(double, general, driver(balancer), [driver(url) for url in replicas])
    made.sessions = sessions
    return made

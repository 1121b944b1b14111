"""Bot "processes" for storage tests: the real reminder loop over a shared database, with a
Slack that records what it was asked to post instead of posting it."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from typing import Any

from apscheduler.schedulers.asyncio import AsyncIOScheduler

from app.approvals.policy import DEFAULT_POLICY
from app.clock import FakeClock
from app.errors import SlackFailure
from app.flows.deps import Deps
from app.incidents.models import Incident
from app.roles import service as roles
from app.roles.models import Role
from app.settings import load_settings
from app.store.engine import SessionFactory
from tests.factories import create_incident

MARIA, ROBERT, LISA = "U0MARIA", "U0ROBERT", "U0LISA"


@dataclass
class RecordingSlack:
    """Stands in for SlackGateway.post and find_effect: remembers each post (and its effect
    id); can fail or be slow."""

    posts: list[tuple[str, str]] = field(default_factory=list)
    failures: list[str] = field(default_factory=list)
    delay: float = 0.0
    bot_user_id: str = "U0BOT"
    team_id: str = "T0CRISIS"  # the installed workspace (auth.test), a teamless incident's
    enterprise_id: str | None = None
    effects: dict[tuple[str, str], str] = field(default_factory=dict)  # (channel, id) -> ts
    lookups: list[str] = field(default_factory=list)

    async def post(
        self, channel: str, *, text: str, metadata: dict[str, Any] | None = None, **_: Any
    ) -> str:
        await asyncio.sleep(self.delay)
        if self.failures:
            error = self.failures.pop(0)
            raise SlackFailure(f"I couldn't post the message: {error}.", error=error)
        self.posts.append((channel, text))
        ts = f"{len(self.posts)}.000100"
        if metadata is not None:
            self.effects[(channel, metadata["event_payload"]["effect"])] = ts
        return ts

    async def find_effect(self, channel: str, effect_id: str, **_: Any) -> str | None:
        self.lookups.append(effect_id)
        return self.effects.get((channel, effect_id))

    def to(self, channel: str) -> list[str]:
        return [text for where, text in self.posts if where == channel]


def process(db: SessionFactory, clock: FakeClock, slack: RecordingSlack) -> Deps:
    settings = load_settings(SLACK_BOT_TOKEN="xoxb-test", SLACK_SIGNING_SECRET="s")
    return Deps(
        settings=settings,
        slack=slack,  # type: ignore[arg-type]
        db=db,
        clock=clock,
        scheduler=AsyncIOScheduler(timezone="UTC"),
        policy=DEFAULT_POLICY,
    )


async def open_incident(
    db: SessionFactory, clock: FakeClock, channel: str = "C0WAR", cadence: int = 1800
) -> Incident:
    async with db.begin() as session:
        if not (await roles.holders(session, team=roles.NO_TEAM))[Role.EXEC]:
            await roles.add(session, role=Role.LEAD, users=[MARIA], by=MARIA, at=clock.now())
            await roles.add(session, role=Role.EXEC, users=[ROBERT, LISA], by=MARIA, at=clock.now())
        return await create_incident(
            session, at=clock.now(), channel=channel, opened_by=MARIA, cadence=cadence
        )

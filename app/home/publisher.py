"""Publishing one person's Home tab."""

from __future__ import annotations

from app.deps import Deps
from app.home.facts import home_facts
from app.slack.blocks.home import home_view


async def publish(deps: Deps, user_id: str) -> None:
    async with deps.db() as session:
        facts = await home_facts(session, user_id=user_id, now=deps.clock.now(), policy=deps.policy)
    await deps.slack.publish_home(user_id, home_view(facts))

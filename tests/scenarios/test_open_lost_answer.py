"""`/crisis open` when Slack made the channel but its answer was lost: the war room is that
channel, not an orphan beside a `-2`."""

from __future__ import annotations

from app.harness import Harness
from app.harness.seed import MARIA
from tests.scenarios.conftest import crisis, last_private, seed_roles
from tests.scenarios.test_open import incidents_in

NAME = "crisis-20261121-product-recall"


async def test_a_channel_made_but_not_answered_becomes_the_war_room(harness: Harness) -> None:
    await seed_roles(harness)
    harness.double.fault("conversations.create", "drop", times=1)  # made, then hung up
    await crisis(harness, MARIA.id, "open Product recall")
    [incident] = await incidents_in(harness)
    assert incident.channel_name == NAME
    made = [c for c in harness.double.ws.channels.values() if c.name.startswith(NAME)]
    assert [c.id for c in made] == [incident.channel_id]  # one channel, no orphan
    assert "INC-1" in last_private(harness, MARIA.id)


async def test_trying_again_takes_the_channel_an_unrecorded_try_left(harness: Harness) -> None:
    """The first try's channel exists but no incident has it (its answer was lost and the
    open failed); the second try takes it instead of making `-2`."""
    await seed_roles(harness)
    orphan = harness.double.add_channel(NAME, members=[harness.double.bot_user_id])
    harness.double.channel(orphan).creator = harness.double.bot_user_id
    harness.double.channel(orphan).is_private = True
    await crisis(harness, MARIA.id, "open Product recall")
    [incident] = await incidents_in(harness)
    assert incident.channel_id == orphan and incident.channel_name == NAME


async def test_a_channel_someone_else_made_is_never_taken(harness: Harness) -> None:
    harness.double.add_channel(NAME, members=[MARIA.id, harness.double.bot_user_id])
    await crisis(harness, MARIA.id, "open Product recall")
    [incident] = await incidents_in(harness)
    assert incident.channel_name == f"{NAME}-2"


async def test_an_incidents_own_channel_is_never_taken_again(harness: Harness) -> None:
    await crisis(harness, MARIA.id, "open Product recall")
    await crisis(harness, MARIA.id, "open Product recall")
    names = [i.channel_name for i in await incidents_in(harness)]
    assert names == [NAME, f"{NAME}-2"]

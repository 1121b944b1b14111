"""Steps the library scenarios share: add a statement, decide on it, use it in a war room."""

from __future__ import annotations

from typing import Any

from sqlmodel import col, select

from app.harness import Harness
from app.library.models import LibraryCard, LibraryVersion
from app.slack.blocks import library_ids as ids
from tests.scenarios.conftest import crisis

HOLDING = (
    "We know {customer} waited far too long for help on {date}. We are sorry for the "
    "experience, we have reached out personally, and we are reviewing how it happened."
)


async def submit(harness: Harness, user: str, values: dict[str, Any]) -> str:
    """Submit `user`'s open form; the response text (errors, if any)."""
    response = await harness.driver.submit_view(user, values)
    assert response.status == 200, response.text
    await harness.settle()
    return response.text


async def add_statement(
    harness: Harness,
    user: str,
    *,
    key: str = "apology-long-wait",
    text: str = HOLDING,
    title: str = "Apology for a long wait",
) -> LibraryVersion:
    await crisis(harness, user, "library add")
    values = {
        ids.KEY: key,
        ids.KIND: "service_failure_viral",
        ids.AUDIENCE: "public",
        ids.TITLE: title,
        ids.TEXT: text,
    }
    answer = await submit(harness, user, values)
    assert "errors" not in answer, answer
    return await newest_version(harness)


async def newest_version(harness: Harness) -> LibraryVersion:
    async with harness.db() as session:
        query = select(LibraryVersion).order_by(col(LibraryVersion.id).desc())
        found = (await session.exec(query)).first()
    assert found is not None
    return found


async def library_cards(harness: Harness, version_id: int) -> list[LibraryCard]:
    async with harness.db() as session:
        query = select(LibraryCard).where(LibraryCard.version_id == version_id)
        return list((await session.exec(query)).all())


async def card_in_dm(harness: Harness, version_id: int, user: str) -> LibraryCard:
    dm = harness.double.dm_channel(user)
    assert dm is not None, f"no DM with {user}"
    for card in await library_cards(harness, version_id):
        if card.channel_id == dm.id:
            return card
    raise AssertionError(f"no library card in {user}'s DM")


def shown(harness: Harness, card: LibraryCard) -> str:
    message = harness.double.message(card.channel_id, card.ts)
    assert message is not None
    return harness.double.render(message.blocks or [])


async def decide(
    harness: Harness, user: str, version_id: int, button: str, role: str, *, reason: str = ""
) -> None:
    card = await card_in_dm(harness, version_id, user)
    response = await harness.driver.click(
        user,
        button,
        block_id=f"{ids.DECIDE_BLOCK}{role}",
        channel_id=card.channel_id,
        message_ts=card.ts,
    )
    assert response.status == 200, response.text
    await harness.settle()
    if button == ids.REJECT:
        await submit(harness, user, {ids.REASON: reason})


async def state_of(harness: Harness, version_id: int) -> str:
    async with harness.db() as session:
        version = await session.get(LibraryVersion, version_id, populate_existing=True)
    assert version is not None
    return str(version.state)


def private_shown(harness: Harness, user: str) -> str:
    """The latest message only `user` saw, text and blocks rendered."""
    seen = harness.double.ephemerals(user)
    assert seen, f"{user} was told nothing"
    return seen[-1].text + "\n" + harness.double.render(seen[-1].blocks or [])

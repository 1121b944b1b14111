"""Each workspace has its own statement library (issue 16), through signed requests from two
workspaces of one Grid org: an entry of one is neither listed, shown nor usable in the other,
which may keep its own entry under the same key, approved by its own role holders."""

from __future__ import annotations

from sqlmodel import select

from app.harness import Harness
from app.harness.seed import DAVID, MARIA, ROBERT
from app.library.models import LibraryEntry
from tests.library.helpers import add_statement, library_cards
from tests.scenarios.conftest import crisis, last_private
from tests.scenarios.sister_workspace import (
    NINA,
    OWEN,
    PRIYA,
    SISTER,
    both_staffed,
)

KEY = "holding"


async def two_libraries(harness: Harness) -> None:
    await both_staffed(harness)
    await add_statement(harness, MARIA.id, key=KEY, title="Ours")


async def test_an_entry_of_one_workspace_is_not_listed_nor_shown_in_another(
    harness: Harness,
) -> None:
    await two_libraries(harness)

    await crisis(harness, NINA.id, "library")
    listing = harness.double.ephemerals(NINA.id)[-1]
    assert KEY not in str(listing.blocks) and "0 statement(s)" in listing.text
    await crisis(harness, NINA.id, f"library show {KEY}")
    assert f"There is no statement “{KEY}”" in last_private(harness, NINA.id)

    await crisis(harness, MARIA.id, "library")
    assert KEY in str(harness.double.ephemerals(MARIA.id)[-1].blocks)


async def test_a_workspace_keeps_its_own_entry_under_the_same_key(harness: Harness) -> None:
    await two_libraries(harness)

    theirs = await add_statement(harness, NINA.id, key=KEY, title="Theirs")
    async with harness.db() as session:
        entries = (await session.exec(select(LibraryEntry))).all()
    assert sorted((e.key, e.team_id) for e in entries) == sorted(
        [(KEY, harness.double.team_id), (KEY, SISTER)]
    )
    assert theirs.version == 1 and theirs.title == "Theirs"
    asked = {card.channel_id for card in await library_cards(harness, theirs.id or 0)}
    assert {dm_of(harness, PRIYA.id), dm_of(harness, OWEN.id)} <= asked  # the sister's approvers
    assert not {dm_of(harness, DAVID.id), dm_of(harness, ROBERT.id)} & asked

    await crisis(harness, NINA.id, f"library show {KEY}")
    shown = str(harness.double.ephemerals(NINA.id)[-1].blocks)
    assert "Theirs" in shown and "Ours" not in shown


def dm_of(harness: Harness, user_id: str) -> str | None:
    dm = harness.double.dm_channel(user_id)
    return dm.id if dm is not None else None

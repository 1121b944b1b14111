"""The statement library in peacetime: adding, approving, rejecting, changing, reading."""

from __future__ import annotations

from app.audit.service import trail
from app.harness import Harness
from app.harness.seed import DAVID, MARIA, ROBERT, SARAH
from app.slack.blocks import library_ids as ids
from tests.library.helpers import (
    add_statement,
    card_in_dm,
    decide,
    library_cards,
    newest_version,
    private_shown,
    shown,
    state_of,
    submit,
)
from tests.scenarios.approvals_helpers import open_seed_incident
from tests.scenarios.conftest import crisis, last_private, seed_roles


async def approved_statement(harness: Harness) -> int:
    await seed_roles(harness)
    version = await add_statement(harness, MARIA.id)
    assert version.id is not None
    await decide(harness, DAVID.id, version.id, ids.APPROVE, "legal")
    await decide(harness, ROBERT.id, version.id, ids.APPROVE, "exec")
    return version.id


async def test_a_new_statement_is_sent_to_legal_and_exec_and_usable_once_both_approve(
    harness: Harness,
) -> None:
    await seed_roles(harness)
    version = await add_statement(harness, MARIA.id)
    assert version.id is not None and str(version.state) == "pending"
    cards = await library_cards(harness, version.id)
    assert len(cards) == 3  # David's, Robert's and Maria's DMs
    card = shown(harness, await card_in_dm(harness, version.id, DAVID.id))
    assert "apology-long-wait v1" in card and "{customer}" in card
    await crisis(harness, SARAH.id, "library")
    assert "not usable yet" in private_shown(harness, SARAH.id)

    await decide(harness, DAVID.id, version.id, ids.APPROVE, "legal")
    assert await state_of(harness, version.id) == "pending"
    await decide(harness, ROBERT.id, version.id, ids.APPROVE, "exec")
    assert await state_of(harness, version.id) == "approved"
    for card in cards:  # every copy shows both decisions
        text = shown(harness, card)
        assert "David Kim" in text and "Robert Chen" in text and "Approved" in text
    assert (
        "approved and can be used"
        in harness.double.messages(
            harness.double.dm_channel(MARIA.id).id  # type: ignore[union-attr]
        )[-1].text
    )
    await crisis(harness, SARAH.id, "library")
    listing = private_shown(harness, SARAH.id)
    assert "apology-long-wait" in listing and "v1 approved" in listing


async def test_a_rejected_statement_cannot_be_used(harness: Harness) -> None:
    await seed_roles(harness)
    version = await add_statement(harness, MARIA.id)
    assert version.id is not None
    await decide(harness, DAVID.id, version.id, ids.REJECT, "legal", reason="Too specific.")
    assert await state_of(harness, version.id) == "rejected"
    card = shown(harness, await card_in_dm(harness, version.id, ROBERT.id))
    assert "Rejected" in card and "Too specific." in card and "Approve as" not in card
    incident = await open_seed_incident(harness)
    room = incident.channel_id
    await crisis(harness, MARIA.id, "propose --from-library apology-long-wait", channel=room)
    assert "has no approved version yet" in last_private(harness, MARIA.id)


async def test_only_lead_and_legal_manage_the_library_and_nobody_approves_their_own(
    harness: Harness,
) -> None:
    await seed_roles(harness)
    await crisis(harness, SARAH.id, "library add")
    assert "Only lead or legal can add or change" in last_private(harness, SARAH.id)
    assert not harness.double.open_views(SARAH.id)
    version = await add_statement(harness, DAVID.id)  # Legal may manage
    assert version.id is not None
    await decide(harness, DAVID.id, version.id, ids.APPROVE, "legal")
    assert "four-eyes" in last_private(harness, DAVID.id)
    await decide(harness, ROBERT.id, version.id, ids.APPROVE, "exec")
    assert await state_of(harness, version.id) == "pending"


async def test_a_wrong_key_gets_one_clear_line(harness: Harness) -> None:
    await seed_roles(harness)
    await crisis(harness, SARAH.id, "library show apology-nope")
    line = last_private(harness, SARAH.id)
    assert "There is no statement “apology-nope” in the library" in line
    await crisis(harness, MARIA.id, "library edit apology-nope")
    assert "There is no statement “apology-nope”" in last_private(harness, MARIA.id)


async def test_a_change_is_a_new_version_with_its_diff_and_every_version_stays(
    harness: Harness,
) -> None:
    first = await approved_statement(harness)
    await crisis(harness, MARIA.id, "library edit apology-long-wait")
    changed = "We are sorry {customer} waited so long on {date}. We are making it right."
    await submit(harness, MARIA.id, {ids.TEXT: changed})
    second = await newest_version(harness)
    assert second.id is not None and second.version == 2 and str(second.state) == "pending"
    card = shown(harness, await card_in_dm(harness, second.id, DAVID.id))
    assert "Changes from approved v1" in card and "+We are sorry" in card
    await decide(harness, DAVID.id, second.id, ids.REJECT, "legal", reason="Keep v1.")
    await crisis(harness, SARAH.id, "library show apology-long-wait")
    history = private_shown(harness, SARAH.id)
    assert "v2" in history and "rejected" in history and "v1" in history
    assert await state_of(harness, first) == "approved"  # v1 stays the usable one
    async with harness.db() as session:
        actions = [entry.action for entry in await trail(session)]
    assert actions.count("library.propose") == 2 and actions.count("library.decide") == 3

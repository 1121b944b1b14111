"""Using a holding statement in a war room: unchanged (the lead confirms) or edited (full
approval with the diff against the library version); placeholders are filled, not edits."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlmodel import col, select

from app.approvals.models import Action, Approval
from app.clock import FakeClock
from app.harness import Harness
from app.harness.seed import DAVID, MARIA, ROBERT, SARAH
from app.incidents.models import Incident
from app.roles.models import Role
from app.slack import ids
from app.slack.blocks import library_ids
from tests.library.helpers import add_statement, decide, submit
from tests.scenarios.approvals_helpers import click, copy_for, open_seed_incident, shown, state
from tests.scenarios.conftest import crisis, seed_roles

PEACETIME = datetime(2026, 10, 2, 9, 0, tzinfo=UTC)
FILLED = {f"{library_ids.FILL}customer": "Jane Doe", f"{library_ids.FILL}date": "21 November"}
EXPECTED = (
    "We know Jane Doe waited far too long for help on 21 November. We are sorry for the "
    "experience, we have reached out personally, and we are reviewing how it happened."
)


async def _approve_and_open(harness: Harness, clock: FakeClock, version_id: int) -> Incident:
    await decide(harness, DAVID.id, version_id, library_ids.APPROVE, "legal")
    await decide(harness, ROBERT.id, version_id, library_ids.APPROVE, "exec")
    clock.set(datetime(2026, 11, 21, 14, 0, tzinfo=UTC))
    return await open_seed_incident(harness)


async def use(harness: Harness, incident: Incident, values: dict[str, str]) -> Action:
    text = "propose --from-library apology-long-wait"
    await crisis(harness, SARAH.id, text, channel=incident.channel_id)
    answer = await submit(harness, SARAH.id, values)
    assert "errors" not in answer, answer
    async with harness.db() as session:
        action = (await session.exec(select(Action).order_by(col(Action.id).desc()))).first()
    assert action is not None
    return action


async def roles_asked(harness: Harness, action: Action) -> list[str]:
    async with harness.db() as session:
        rows = await session.exec(select(Approval).where(Approval.action_id == action.id))
        return sorted(str(row.role) for row in rows)


async def test_used_unchanged_it_needs_only_the_lead(harness: Harness, clock: FakeClock) -> None:
    incident = await seeded(harness, clock)
    action = await use(harness, incident, FILLED)
    assert action.details == EXPECTED and action.library_unchanged is True
    assert await roles_asked(harness, action) == ["lead"]
    card = shown(harness, await copy_for(harness, action.id))
    assert (
        "pre-approved by Legal (David Kim) and Executive (Robert Chen) on 2026-10-02, "
        "used unchanged" in card
    )
    filled = "*Filled in* (not an edit): `{customer}` = “Jane Doe”; `{date}` = “21 November”"
    assert filled in card
    await click(harness, MARIA.id, action.id, ids.APPROVE, role=Role.LEAD)
    assert await state(harness, action.id) == "approved"


async def test_any_edit_needs_the_full_approval_with_the_diff(
    harness: Harness, clock: FakeClock
) -> None:
    incident = await seeded(harness, clock)
    edited = EXPECTED.replace("We are sorry", "We apologise")
    action = await use(
        harness, incident, {**FILLED, library_ids.TEXT: edited.replace("Jane Doe", "{customer}")}
    )
    assert action.library_unchanged is False and action.details == edited
    assert await roles_asked(harness, action) == ["exec", "legal"]
    card = shown(harness, await copy_for(harness, action.id))
    assert "edited" in card and "needs the full approval" in card
    assert "-We know Jane Doe" in card and "+We know Jane Doe" in card and "apologise" in card
    assert "`{customer}` = “Jane Doe”" in card  # the values are shown to the approvers too
    await click(harness, MARIA.id, action.id, ids.APPROVE, role=Role.LEGAL)
    assert await state(harness, action.id) == "pending"


async def test_a_placeholder_must_be_filled(harness: Harness, clock: FakeClock) -> None:
    incident = await seeded(harness, clock)
    await crisis(
        harness, SARAH.id, "propose --from-library apology-long-wait", channel=incident.channel_id
    )
    answer = await submit(harness, SARAH.id, {f"{library_ids.FILL}customer": "Jane Doe"})
    assert "errors" in answer and "Fill this in" in answer


async def test_a_wrong_key_in_a_war_room_gets_one_clear_line(
    harness: Harness, clock: FakeClock
) -> None:
    incident = await seeded(harness, clock)
    await crisis(harness, SARAH.id, "propose --from-library nope", channel=incident.channel_id)
    seen = harness.double.ephemerals(SARAH.id)
    assert seen and "There is no statement “nope” in the library" in seen[-1].text
    assert not harness.double.open_views(SARAH.id)


async def seeded(harness: Harness, clock: FakeClock) -> Incident:
    """The library statement approved on 2026-10-02, then the seed crisis weeks later."""
    clock.set(PEACETIME)
    await seed_roles(harness)
    version = await add_statement(harness, MARIA.id)
    return await _approve_and_open(harness, clock, version.id or 0)


async def test_revising_a_statement_used_unchanged_sends_it_to_the_full_approval(
    harness: Harness, clock: FakeClock
) -> None:
    incident = await seeded(harness, clock)
    action = await use(harness, incident, FILLED)
    await click(harness, MARIA.id, action.id, ids.REQUEST_CHANGES, role=Role.LEAD)
    await submit(harness, MARIA.id, {ids.REASON_INPUT: "Say when we called her."})
    await click(harness, SARAH.id, action.id, ids.REVISE)
    await submit(harness, SARAH.id, {ids.REVISE_DETAILS: EXPECTED + " We called her today."})
    async with harness.db() as session:
        rows = await session.exec(
            select(Approval).where(Approval.action_id == action.id, Approval.revision == 2)
        )
        assert sorted(str(row.role) for row in rows) == ["exec", "legal"]
    card = shown(harness, await copy_for(harness, action.id))
    assert "used unchanged" not in card and "+We know Jane Doe" in card

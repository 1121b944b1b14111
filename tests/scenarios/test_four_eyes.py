"""Separation of duties: nobody decides on words they wrote, unless the policy file allows it."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from app.approvals import queries
from app.clock import FakeClock
from app.harness import Harness, start_harness
from app.harness.seed import ALEX, DAVID, LISA, MARIA, ROBERT
from app.incidents.models import Incident
from app.roles.models import Role
from app.slack import ids
from tests.scenarios.approvals_helpers import click, copy_for, open_seed_incident, propose, state
from tests.scenarios.conftest import crisis, last_private
from tests.scenarios.test_serve import serve, serve_env

OWN = "You proposed A-1; someone else must {verb} it (four-eyes rule)."


@pytest.fixture
async def lenient(tmp_path: Path, clock: FakeClock) -> AsyncIterator[Harness]:
    """The bot with a policy file that lets authors decide internal actions."""
    policy = tmp_path / "policy.yml"
    policy.write_text("categories:\n  internal:\n    self_approval: true\n")
    running = await start_harness(
        database_url=f"sqlite:///{tmp_path / 'lenient.db'}",
        clock=clock,
        CRISIS_POLICY_FILE=str(policy),
    )
    try:
        yield running
    finally:
        await running.stop()


async def internal_action(harness: Harness, incident: Incident) -> int:
    action = await propose(
        harness, MARIA.id, incident, title="Root-cause analysis", details="", category="internal"
    )
    return action.id or 0


async def decisions(harness: Harness, action_id: int) -> list[str | None]:
    async with harness.db() as session:
        action = await queries.require(session, action_id)
        return [a.decided_by for a in await queries.current_approvals(session, action)]


async def home_of(harness: Harness, user: str) -> str:
    event = {"type": "app_home_opened", "user": user, "tab": "home"}
    assert (await harness.driver.event(event)).status == 200
    await harness.settle()
    view = harness.double.home(user)
    assert view is not None
    return harness.double.render(view["blocks"])


async def test_the_proposer_cannot_decide_their_own_action(harness: Harness) -> None:
    incident = await open_seed_incident(harness)
    action_id = await internal_action(harness, incident)  # needs the lead: Maria herself
    await click(harness, MARIA.id, action_id, ids.APPROVE, role=Role.LEAD)
    assert last_private(harness, MARIA.id) == ":warning: " + OWN.format(verb="approve")
    for button, verb in ((ids.REQUEST_CHANGES, "request changes on"), (ids.REJECT, "reject")):
        await click(harness, MARIA.id, action_id, button, role=Role.LEAD)
        assert last_private(harness, MARIA.id) == ":warning: " + OWN.format(verb=verb)
    assert harness.double.open_views(MARIA.id) == []  # no reason form was opened
    assert await state(harness, action_id) == "pending"
    assert await decisions(harness, action_id) == [None]


async def test_the_home_tab_offers_own_proposals_only_to_someone_else(harness: Harness) -> None:
    await crisis(harness, ALEX.id, f"role add lead <@{ALEX.id}|{ALEX.handle}>")
    incident = await open_seed_incident(harness)
    action_id = await internal_action(harness, incident)
    assert "Root-cause analysis" not in await home_of(harness, MARIA.id)
    alex = await home_of(harness, ALEX.id)
    assert "Root-cause analysis" in alex and "[Approve as Incident lead]" in alex
    block_id = f"{ids.HOME_DECIDE}{action_id}_lead"
    await harness.driver.click(ALEX.id, ids.APPROVE, block_id=block_id)
    await harness.settle()
    assert await state(harness, action_id) == "approved"
    assert await decisions(harness, action_id) == [ALEX.id]


async def test_whoever_revised_the_words_counts_as_their_author(harness: Harness) -> None:
    incident = await open_seed_incident(harness)
    apology = await propose(
        harness,
        MARIA.id,
        incident,
        title="CEO apology",
        details="We are sorry.",
        category="public_statement",
        owner=ROBERT.id,
    )
    action_id = apology.id or 0
    await click(harness, DAVID.id, action_id, ids.REQUEST_CHANGES, role=Role.LEGAL)
    await harness.driver.submit_view(DAVID.id, {ids.REASON_INPUT: "Say what we will fix."})
    await harness.settle()
    await click(harness, ROBERT.id, action_id, ids.REVISE)  # the owner revises
    await harness.driver.submit_view(ROBERT.id, {ids.REVISE_DETAILS: "Sorry; we will retrain."})
    await harness.settle()
    await click(harness, ROBERT.id, action_id, ids.APPROVE, role=Role.EXEC)
    expected = "You revised A-1; someone else must approve it (four-eyes rule)."
    assert last_private(harness, ROBERT.id) == f":warning: {expected}"
    await click(harness, DAVID.id, action_id, ids.APPROVE, role=Role.LEGAL)
    assert await state(harness, action_id) == "pending"
    assert await decisions(harness, action_id) == [DAVID.id, None]


async def test_a_policy_file_can_allow_self_approval_per_category(lenient: Harness) -> None:
    incident = await open_seed_incident(lenient)
    action_id = await internal_action(lenient, incident)
    await click(lenient, MARIA.id, action_id, ids.APPROVE, role=Role.LEAD)
    assert await state(lenient, action_id) == "approved"
    statement = await propose(
        lenient, MARIA.id, incident, title="Holding line", details="", category="other"
    )
    await click(lenient, MARIA.id, statement.id or 0, ids.APPROVE, role=Role.LEAD)
    assert last_private(lenient, MARIA.id).endswith(
        "someone else must approve it (four-eyes rule)."
    )
    assert await state(lenient, statement.id or 0) == "pending"


async def test_holding_both_roles_still_means_deciding_each(harness: Harness) -> None:
    incident = await open_seed_incident(harness)
    await crisis(harness, ALEX.id, f"role add exec <@{DAVID.id}|{DAVID.handle}>")
    refund = await propose(
        harness,
        LISA.id,
        incident,
        title="Refund",
        details="Full refund.",
        category="customer_remedy",
    )
    action_id = refund.id or 0
    await click(harness, DAVID.id, action_id, ids.APPROVE, role=Role.LEGAL)
    assert await state(harness, action_id) == "pending"
    card = await copy_for(harness, action_id)
    message = harness.double.message(card.channel_id, card.ts)
    assert message is not None and "Approve as Executive" in str(message.blocks)
    assert "Approve as Legal" not in str(message.blocks)
    await click(harness, DAVID.id, action_id, ids.APPROVE, role=Role.EXEC)
    assert await state(harness, action_id) == "approved"
    assert await decisions(harness, action_id) == [DAVID.id, DAVID.id]


async def test_a_bad_self_approval_value_stops_start_up_with_one_line(tmp_path: Path) -> None:
    policy = tmp_path / "policy.yml"
    policy.write_text("categories:\n  internal:\n    self_approval: sometimes\n")
    env = serve_env(tmp_path, "http://127.0.0.1:9/api/", CRISIS_POLICY_FILE=str(policy))
    process = await serve(env, tmp_path)
    _, err = await asyncio.wait_for(process.communicate(), timeout=60)
    assert process.returncode == 2
    lines = err.decode().strip().splitlines()
    assert len(lines) == 1, lines
    assert "categories.internal.self_approval: must be true or false" in lines[0]

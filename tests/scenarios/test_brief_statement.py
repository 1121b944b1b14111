"""The brief's "Use a holding statement", through signed requests: the approved statements (the
incident's kind first), then the same fill-in form as `/crisis propose --from-library`; only
people who may see the war room get either (issue 14)."""

from __future__ import annotations

from typing import Any

from sqlmodel import col, select

from app.approvals.models import Action
from app.clock import FakeClock
from app.harness import Harness
from app.harness.seed import DAVID, JORDAN, MARIA, ROBERT, SARAH
from app.incidents.models import Incident
from app.roles.models import Role
from app.slack import ids
from app.slack.blocks import brief_ids, library_ids
from app.slackdouble import Message
from tests.library.helpers import add_statement, decide, newest_version, submit
from tests.scenarios.approvals_helpers import click, copy_for, shown, state
from tests.scenarios.conftest import crisis, last_private
from tests.scenarios.test_library_use import EXPECTED, FILLED, seeded


def the_brief(harness: Harness, incident: Incident) -> Message:
    return harness.double.messages(incident.channel_id)[0]


async def press_use(harness: Harness, user: str, incident: Incident) -> None:
    brief = the_brief(harness, incident)
    response = await harness.driver.click(
        user, brief_ids.USE_STATEMENT, channel_id=incident.channel_id, message_ts=brief.ts
    )
    assert response.status == 200, response.text
    await harness.settle()


async def pick(harness: Harness, user: str, key: str) -> dict[str, Any]:
    [view] = harness.double.open_views(user)
    response = await harness.driver.click(
        user,
        brief_ids.PICK_STATEMENT,
        block_id=f"{brief_ids.PICK_BLOCK}{key}",
        view_id=view["id"],
    )
    assert response.status == 200, response.text
    await harness.settle()
    [form] = harness.double.open_views(user)
    return form


def listed_keys(view: dict[str, Any]) -> list[str]:
    prefix = brief_ids.PICK_BLOCK
    found = [str(block.get("block_id", "")) for block in view["blocks"]]
    return [block_id[len(prefix) :] for block_id in found if block_id.startswith(prefix)]


async def test_the_brief_button_lists_approved_statements_and_opens_the_fill_in_form(
    harness: Harness, clock: FakeClock
) -> None:
    incident = await seeded(harness, clock)
    brief = harness.double.render(the_brief(harness, incident).blocks or [])
    assert "[Use a holding statement]" in brief
    await press_use(harness, SARAH.id, incident)
    [picker] = harness.double.open_views(SARAH.id)
    assert picker["callback_id"] == brief_ids.PICK_VIEW
    assert listed_keys(picker) == ["apology-long-wait"]
    assert "Apology for a long wait" in harness.double.render(picker["blocks"])
    form = await pick(harness, SARAH.id, "apology-long-wait")
    assert form["id"] == picker["id"] and form["callback_id"] == library_ids.USE_VIEW
    answer = await submit(harness, SARAH.id, FILLED)
    assert "errors" not in answer, answer
    async with harness.db() as session:
        action = (await session.exec(select(Action).order_by(col(Action.id).desc()))).one()
    assert action.details == EXPECTED and action.library_unchanged is True
    assert action.incident_id == incident.id and action.proposer == SARAH.id
    card = shown(harness, await copy_for(harness, action.id or 0))
    assert "used unchanged" in card
    await click(harness, MARIA.id, action.id or 0, ids.APPROVE, role=Role.LEAD)
    assert await state(harness, action.id or 0) == "approved"


async def test_the_incidents_kind_comes_first_and_unapproved_ones_are_left_out(
    harness: Harness, clock: FakeClock
) -> None:
    await seeded(harness, clock)  # apology-long-wait (service_failure_viral), approved
    await crisis(harness, MARIA.id, "library add")
    recall = {
        library_ids.KEY: "recall-notice",
        library_ids.KIND: "product_recall",
        library_ids.AUDIENCE: "customers",
        library_ids.TITLE: "Recall notice",
        library_ids.TEXT: "We are recalling batch {batch} of our product.",
    }
    await submit(harness, MARIA.id, recall)
    recall_version = (await newest_version(harness)).id or 0
    await decide(harness, DAVID.id, recall_version, library_ids.APPROVE, "legal")
    await decide(harness, ROBERT.id, recall_version, library_ids.APPROVE, "exec")
    await add_statement(harness, MARIA.id, key="data-breach-note", title="Not yet approved")
    await crisis(harness, MARIA.id, "open --kind product_recall Batch 12 recall")
    async with harness.db() as session:
        incident = (await session.exec(select(Incident).where(Incident.id == 2))).one()
    await press_use(harness, SARAH.id, incident)
    [picker] = harness.double.open_views(SARAH.id)
    assert listed_keys(picker) == ["recall-notice", "apology-long-wait"]


async def test_someone_outside_the_war_room_gets_nothing(
    harness: Harness, clock: FakeClock
) -> None:
    incident = await seeded(harness, clock)
    await press_use(harness, JORDAN.id, incident)  # a forged click: Jordan is not in the room
    assert not harness.double.open_views(JORDAN.id)
    assert "apology" not in last_private(harness, JORDAN.id).lower()
    await press_use(harness, SARAH.id, incident)
    [view] = harness.double.open_views(SARAH.id)
    response = await harness.driver.click(
        JORDAN.id,
        brief_ids.PICK_STATEMENT,
        block_id=f"{brief_ids.PICK_BLOCK}apology-long-wait",
        view_id=view["id"],
    )
    assert response.status == 200
    await harness.settle()
    [still] = harness.double.open_views(SARAH.id)
    assert still["callback_id"] == brief_ids.PICK_VIEW  # Jordan's forged pick changed nothing

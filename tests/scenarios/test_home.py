"""The Home tab: what waits for each person, decisions from Home, refreshes only for viewers."""

from __future__ import annotations

from datetime import timedelta

from app.approvals import queries
from app.harness import Harness
from app.harness.seed import DAVID, JORDAN, LISA, MARIA
from app.slack import ids
from tests.scenarios.approvals_helpers import copies, open_seed_incident, propose, shown, state
from tests.scenarios.conftest import crisis


async def open_home(harness: Harness, user: str, team: str | None = None) -> str:
    """`user` opens their Home tab (in workspace `team`; the driver's by default): what it
    shows."""
    opened = {"type": "app_home_opened", "user": user, "tab": "home"}
    response = await harness.driver.event(opened, team_id=team)
    assert response.status == 200
    await harness.settle()
    view = harness.double.home(user)
    assert view is not None, f"no Home tab published for {user}"
    return harness.double.render(view["blocks"])


async def two_proposals(harness: Harness):  # type: ignore[no-untyped-def]
    incident = await open_seed_incident(harness)
    apology = await propose(
        harness,
        MARIA.id,
        incident,
        title="CEO apology",
        details="We are sorry.",
        category="public_statement",
    )
    pause = await propose(
        harness,
        MARIA.id,
        incident,
        title="Pause paid social",
        details="",
        category="paid_media",
    )
    return incident, apology, pause


async def test_each_person_sees_what_waits_for_their_roles(harness: Harness) -> None:
    incident, _, _ = await two_proposals(harness)
    david = await open_home(harness, DAVID.id)
    assert "A-1 · CEO apology" in david and "Pause paid social" not in david
    assert "[Approve as Legal]" in david
    lisa = await open_home(harness, LISA.id)
    assert "Pause paid social" in lisa and "CEO apology" not in lisa
    jordan = await open_home(harness, JORDAN.id)  # not in the war room: sees none of it
    assert "Nothing is waiting for you" in jordan
    assert "Customer-service video" not in jordan and incident.ref not in jordan
    for text in (david, lisa):
        assert f"{incident.ref} · Customer-service video going viral" in text
        assert "lead @Maria Rodriguez" in text and "next update" in text


async def test_a_decision_from_home_updates_every_card_and_the_tab(harness: Harness) -> None:
    _, apology, _ = await two_proposals(harness)
    await open_home(harness, DAVID.id)
    home_id = harness.double.home(DAVID.id)["id"]
    response = await harness.driver.click(
        DAVID.id, ids.APPROVE, block_id=f"{ids.HOME_DECIDE}{apology.id}_legal", view_id=home_id
    )
    assert response.status == 200
    await harness.settle()
    async with harness.db() as session:
        approvals = await queries.current_approvals(session, await queries.require(session, 1))
    assert [(a.role, a.state, a.decided_by) for a in approvals if a.role == "legal"] == [
        ("legal", "approved", DAVID.id)
    ]
    assert await state(harness, apology.id) == "pending"  # exec still to decide
    for copy in await copies(harness, apology.id):
        assert "approved by @David Kim" in shown(harness, copy)
    refreshed = harness.double.render(harness.double.home(DAVID.id)["blocks"])
    assert "CEO apology" not in refreshed and "Nothing is waiting for you" in refreshed


async def test_only_people_who_opened_home_get_refreshed(harness: Harness) -> None:
    await open_home(harness, DAVID.id)
    await two_proposals(harness)
    published = {c.args.get("user_id") for c in harness.double.calls_to("views.publish")}
    assert published == {DAVID.id}
    assert "CEO apology" in harness.double.render(harness.double.home(DAVID.id)["blocks"])


async def test_overdue_updates_stand_out_and_list_matches(harness: Harness) -> None:
    incident = await open_seed_incident(harness)
    harness.clock.advance(timedelta(hours=2))
    text = await open_home(harness, MARIA.id)
    assert "update overdue" in text
    assert incident.ref in text


async def test_recently_resolved_links_to_the_exported_record(harness: Harness) -> None:
    incident = await open_seed_incident(harness)
    await crisis(harness, MARIA.id, "resolve Back to normal", channel=incident.channel_id)
    await open_home(harness, MARIA.id)
    text = str(harness.double.home(MARIA.id)["blocks"])
    assert "exported record" in text and "https://crisisroom-demo.slack.com/files/" in text
    assert f"{incident.ref} · Customer-service video going viral" in text

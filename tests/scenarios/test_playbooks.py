"""Playbooks per kind of crisis, through signed requests: the kind chosen at open, its actions
as approval cards, its checklist in the brief, ticked as the work happens (issue 14)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from sqlmodel import col, select

from app.approvals.models import Action, CopyKind
from app.clock import FakeClock
from app.harness import Harness, start_harness
from app.harness.seed import DAVID, JORDAN, LISA, MARIA, ROBERT
from app.incidents.models import Incident
from app.playbooks import checklist
from app.playbooks.errors import PlaybookError
from app.roles.models import Role
from app.slack import ids
from tests.scenarios.approvals_helpers import click, copies
from tests.scenarios.conftest import crisis, last_private, seed_roles
from tests.updates.steps import post_update

SEED_KIND = "service_failure_viral"


async def the_incident(harness: Harness) -> Incident:
    async with harness.db() as session:
        return (await session.exec(select(Incident))).one()


async def actions_of(harness: Harness) -> list[Action]:
    async with harness.db() as session:
        return list((await session.exec(select(Action).order_by(col(Action.id)))).all())


def brief_of(harness: Harness, incident: Incident) -> str:
    pinned = harness.double.messages(incident.channel_id)[0]
    return harness.double.render(pinned.blocks or [])


async def open_seed_kind(harness: Harness) -> Incident:
    await seed_roles(harness)
    await crisis(harness, MARIA.id, f"open --kind {SEED_KIND} TikTok video of a 3-hour hold")
    return await the_incident(harness)


async def test_open_with_a_kind_starts_the_war_room_with_its_actions_and_checklist(
    harness: Harness,
) -> None:
    incident = await open_seed_kind(harness)
    assert (incident.crisis_kind, incident.title) == (SEED_KIND, "TikTok video of a 3-hour hold")
    assert incident.cadence_seconds == 30 * 60  # the playbook's, not SEV2's 60 minutes
    actions = await actions_of(harness)
    assert [(a.title, a.category, a.proposer) for a in actions[:4]] == [
        ("Apology statement on all platforms", "public_statement", MARIA.id),
        ("Remedy for the affected customer", "customer_remedy", MARIA.id),
        ("Pause paid social advertising", "paid_media", MARIA.id),
        ("Influencer and partner messaging", "partnership", MARIA.id),
    ]
    assert len(actions) == 7 and actions[-1].title == "24/7 monitoring until sentiment recovers"
    apology = actions[0]
    assert apology.owner == ROBERT.id  # the exec role's holder
    assert "Start from holding statement apology-long-wait." in apology.details
    for action in actions:  # real cards: in the war room, and in each approver's DM
        kinds = [copy.kind for copy in await copies(harness, action.id or 0)]
        assert CopyKind.CHANNEL in kinds
    card = harness.double.render(
        next(m for m in harness.double.messages(incident.channel_id) if "A-1" in m.text).blocks
        or []
    )
    assert "start from holding statement apology-long-wait" in card.lower()
    dms = harness.double.dm_channel(DAVID.id)
    assert dms is not None and any("A-1" in m.text for m in harness.double.messages(dms.id))
    brief = brief_of(harness, incident)
    assert f"*War-room checklist* · playbook `{SEED_KIND}` · 0 of 9 done" in brief
    assert (
        ":white_large_square: *Communicate*: Issue a clear holding statement "
        "_(ticks when statement approved)_"
    ) in brief.splitlines()
    assert "7 pending" in brief


async def test_approving_the_public_statement_ticks_communicate(harness: Harness) -> None:
    incident = await open_seed_kind(harness)
    apology = (await actions_of(harness))[0]
    await click(harness, DAVID.id, apology.id or 0, ids.APPROVE, role=Role.LEGAL)
    assert "0 of 9 done" in brief_of(harness, incident)  # not approved until both decide
    await click(harness, ROBERT.id, apology.id or 0, ids.APPROVE, role=Role.EXEC)
    brief = brief_of(harness, incident)
    assert "1 of 9 done" in brief
    [line] = [line for line in brief.splitlines() if "Communicate" in line]
    assert line.startswith(":white_check_mark:")
    assert "_A-1 statement approved by @Robert Chen, 2026-11-21 14:00 UTC_" in line, line


async def test_the_first_update_ticks_update_and_later_ones_change_nothing(
    harness: Harness, clock: FakeClock
) -> None:
    incident = await open_seed_kind(harness)
    await post_update(harness, incident)
    [line] = [line for line in brief_of(harness, incident).splitlines() if "*Update*" in line]
    assert line.startswith(":white_check_mark:") and "update posted" in line, line
    async with harness.db() as session:
        first = {i.step: i.ticked_at for i in await checklist.items(session, incident.id or 0)}
    await post_update(harness, incident)
    async with harness.db() as session:
        again = {i.step: i.ticked_at for i in await checklist.items(session, incident.id or 0)}
    assert again == first and first["update"] is not None and first["communicate"] is None


async def test_the_open_form_asks_for_the_kind(harness: Harness) -> None:
    await seed_roles(harness)
    await crisis(harness, MARIA.id, "open")
    [view] = harness.double.open_views(MARIA.id)
    [block] = [b for b in view["blocks"] if b.get("block_id") == ids.OPEN_PLAYBOOK]
    options = [o["value"] for o in block["element"]["options"]]
    assert options[:2] == ["general", SEED_KIND]
    assert block["element"]["initial_option"]["value"] == "general"
    await harness.driver.submit_view(
        MARIA.id,
        {
            ids.OPEN_TITLE: "Batch 12 recall",
            ids.OPEN_SEVERITY: "SEV1",
            ids.OPEN_KIND: "crisis",
            ids.OPEN_PLAYBOOK: "product_recall",
        },
    )
    await harness.settle()
    incident = await the_incident(harness)
    assert incident.crisis_kind == "product_recall"
    assert [a.title for a in await actions_of(harness)] == [
        "Recall notice",
        "Refund or replacement for customers",
        "Pause product advertising",
    ]


async def test_a_typed_open_without_a_kind_uses_the_first_one(harness: Harness) -> None:
    await crisis(harness, MARIA.id, "open Something odd on social")
    incident = await the_incident(harness)
    assert incident.crisis_kind == "general" and await actions_of(harness) == []
    assert "0 of 9 done" in brief_of(harness, incident)


async def test_an_unknown_kind_is_refused_before_anything_opens(harness: Harness) -> None:
    await crisis(harness, MARIA.id, "open --kind meteor Sky is falling")
    told = last_private(harness, MARIA.id)
    assert '"meteor" is not a kind of crisis' in told and SEED_KIND in told
    async with harness.db() as session:
        assert (await session.exec(select(Incident))).first() is None


@pytest.fixture
async def grouped(tmp_path: Path, clock: FakeClock) -> AsyncIterator[Harness]:
    """The bot with a playbook file that invites a person and a user group."""
    book = tmp_path / "playbooks.yml"
    book.write_text(
        "kinds:\n"
        "  outage:\n"
        "    label: Outage\n"
        "    cadence_minutes: 10\n"
        f"    invite: [{JORDAN.id}]\n"
        "    invite_groups: [S0COMMS, S0GONE]\n"
        "    checklist: [{step: update, label: Tell everyone, ticks_on: update_posted}]\n"
    )
    running = await start_harness(
        database_url=f"sqlite:///{tmp_path / 'grouped.db'}",
        clock=clock,
        CRISIS_PLAYBOOK_FILE=str(book),
    )
    running.double.add_usergroup("S0COMMS", [LISA.id])
    try:
        yield running
    finally:
        await running.stop()


async def test_the_playbook_invites_its_people_and_user_groups(grouped: Harness) -> None:
    await crisis(grouped, MARIA.id, "open Site down")
    incident = await the_incident(grouped)
    members = grouped.double.channel(incident.channel_id).members
    assert {MARIA.id, JORDAN.id, LISA.id} <= set(members)
    assert incident.cadence_seconds == 10 * 60
    told = last_private(grouped, MARIA.id)
    assert "INC-1" in told and "S0GONE" in told  # the group Slack would not list, named


def test_a_bad_playbook_file_stops_create_app_with_every_mistake(tmp_path: Path) -> None:
    from app.main import create_app
    from app.settings import load_settings

    book = tmp_path / "playbooks.yml"
    book.write_text("kinds:\n  recall:\n    cadence_minutes: 0\n    colour: red\n")
    settings = load_settings(
        SLACK_BOT_TOKEN="xoxb-test",
        SLACK_SIGNING_SECRET="secret",
        DATABASE_URL=f"sqlite:///{tmp_path / 'x.db'}",
        CRISIS_PLAYBOOK_FILE=str(book),
    )
    with pytest.raises(PlaybookError) as raised:
        create_app(settings)
    assert len(raised.value.lines) == 3
    assert all(line.startswith(f"{book}: kinds.recall") for line in raised.value.lines)

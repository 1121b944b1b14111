"""A SEV1 war room takes no outside members (Slack Connect) until Legal allows them: signed
requests into the real app, what the Slack double received, what the database and the legal
record hold."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from sqlmodel import select

from app.clock import FakeClock
from app.harness import Harness, start_harness
from app.harness.seed import DAVID, JORDAN, MARIA, ROBERT
from app.incidents import external_access as external
from app.incidents.external_models import AccessState, ExternalAccess
from app.incidents.models import Incident
from app.slack.blocks.external_ids import ALLOW, DECLINE
from app.slackdouble.workspace import Message
from tests.record.helpers import content, rows
from tests.scenarios.conftest import crisis, last_private, seed_roles

DANA = "U0DANAREYES"  # Acme PR, the outside agency
ACME = "T0ACMEPR"


async def started(tmp_path: Path, clock: FakeClock, **settings: object) -> Harness:
    running = await start_harness(
        database_url=f"sqlite:///{tmp_path / 'crisis.db'}", clock=clock, **settings
    )
    running.double.add_external_user(
        DANA, "dana", team_id=ACME, team_name="Acme PR", real_name="Dana Reyes"
    )
    await seed_roles(running)
    return running


@pytest.fixture
async def harness(tmp_path: Path, clock: FakeClock) -> AsyncIterator[Harness]:
    running = await started(tmp_path, clock)
    try:
        yield running
    finally:
        await running.stop()


async def open_with(harness: Harness, severity: str, invitees: list[str]) -> Incident:
    """Maria opens a war room from the form, with these extra people."""
    await crisis(harness, MARIA.id, "open")
    response = await harness.driver.submit_view(
        MARIA.id,
        {
            "open_title": "Leaked internal memo",
            "open_severity": severity,
            "open_kind": "crisis",
            "open_invitees": invitees,
        },
    )
    assert response.status == 200, response.text
    await harness.settle()
    async with harness.db() as session:
        return (await session.exec(select(Incident))).one()


def members(harness: Harness, incident: Incident) -> set[str]:
    return set(harness.double.channel(incident.channel_id).members)


def legal_card(harness: Harness, incident: Incident) -> Message:
    [card] = [
        m
        for m in harness.double.messages(incident.channel_id)
        if ALLOW in str(m.blocks) or "asked Legal to join" in str(m.blocks)
    ]
    return card


async def click(harness: Harness, user: str, button: str, incident: Incident) -> None:
    card = legal_card(harness, incident)
    response = await harness.driver.click(
        user, button, channel_id=incident.channel_id, message_ts=card.ts
    )
    assert response.status == 200, response.text
    await harness.settle()


async def ask_of(harness: Harness) -> ExternalAccess:
    async with harness.db() as session:
        return (await session.exec(select(ExternalAccess))).one()


async def recorded(harness: Harness, incident: Incident) -> list[dict[str, object]]:
    """The legal record's `external.*` entries of the incident, each with who made it."""
    entries = [
        {**content(row), "by": row["user_id"]}
        for row in await rows(harness.db, incident.id or 0)
        if row["kind"] == "action"
    ]
    return [e for e in entries if str(e["action"]).startswith("external.")]


async def test_sev1_opens_without_the_outsider_and_asks_legal(harness: Harness) -> None:
    incident = await open_with(harness, "SEV1", [DANA, JORDAN.id])
    assert DANA not in members(harness, incident)
    assert {JORDAN.id, DAVID.id, MARIA.id} <= members(harness, incident)
    invited = [c.args.get("users", "") for c in harness.double.calls_to("conversations.invite")]
    assert all(DANA not in users for users in invited)
    shown = harness.double.render(legal_card(harness, incident).blocks)
    assert f"@{DAVID.name}" in shown and "Dana Reyes (Acme PR)" in shown
    told = last_private(harness, MARIA.id)
    assert "INC-1" in told and "Dana Reyes (Acme PR) is not in the war room yet" in told
    assert "Legal" in told
    ask = await ask_of(harness)
    assert ask.state == AccessState.WAITING and ask.card_ts == legal_card(harness, incident).ts
    [wait] = await recorded(harness, incident)
    assert wait["action"] == external.WAIT
    assert wait["detail"]["people"][0]["organisation"] == "Acme PR"  # type: ignore[index]


async def test_legal_allows_and_the_outsider_is_invited_and_recorded(
    harness: Harness, clock: FakeClock
) -> None:
    incident = await open_with(harness, "SEV1", [DANA])
    await click(harness, DAVID.id, ALLOW, incident)
    assert DANA in members(harness, incident)
    ask = await ask_of(harness)
    assert (ask.state, ask.decided_by, ask.decided_at) == (
        AccessState.ALLOWED,
        DAVID.id,
        clock.now(),
    )
    card = legal_card(harness, incident)
    assert f"Allowed by @{DAVID.name}" in harness.double.render(card.blocks)
    assert ALLOW not in str(card.blocks)
    assert "Allowed: Dana Reyes (Acme PR) are invited" in last_private(harness, DAVID.id)
    decisions = [e for e in await recorded(harness, incident) if e["action"] != external.WAIT]
    assert [(e["action"], e["by"]) for e in decisions] == [(external.ALLOW, DAVID.id)]


async def test_legal_declines_and_the_outsider_stays_out(harness: Harness) -> None:
    incident = await open_with(harness, "SEV1", [DANA])
    await click(harness, DAVID.id, DECLINE, incident)
    assert DANA not in members(harness, incident)
    assert (await ask_of(harness)).state == AccessState.DECLINED
    assert "Declined by" in harness.double.render(legal_card(harness, incident).blocks)
    actions = [e["action"] for e in await recorded(harness, incident)]
    assert actions == [external.WAIT, external.DECLINE]


async def test_someone_not_legal_is_refused_and_nothing_changes(harness: Harness) -> None:
    incident = await open_with(harness, "SEV1", [DANA])
    await click(harness, ROBERT.id, ALLOW, incident)
    said = last_private(harness, ROBERT.id)
    assert "Only Legal can allow outside people" in said and f"<@{DAVID.id}>" in said
    assert DANA not in members(harness, incident)
    assert (await ask_of(harness)).state == AccessState.WAITING
    assert [e["action"] for e in await recorded(harness, incident)] == [external.WAIT]
    assert ALLOW in str(legal_card(harness, incident).blocks)  # the card still asks


async def test_a_double_click_and_a_redelivery_make_one_decision(harness: Harness) -> None:
    incident = await open_with(harness, "SEV1", [DANA])
    card = legal_card(harness, incident)
    clicks = [
        harness.driver.click(DAVID.id, ALLOW, channel_id=incident.channel_id, message_ts=card.ts)
        for _ in range(2)
    ]
    first, second = await asyncio.gather(*clicks)
    assert first.status == second.status == 200
    await harness.settle()
    assert first.sent is not None
    again = await harness.driver.resend(first.sent)  # Slack delivers the same click again
    assert again.status == 200
    await harness.settle()
    decisions = [e for e in await recorded(harness, incident) if e["action"] != external.WAIT]
    assert [e["action"] for e in decisions] == [external.ALLOW]
    invites = [c for c in harness.double.calls_to("conversations.invite") if DANA in str(c.args)]
    assert len(invites) == 1
    assert "Legal already allowed these outside people" in last_private(harness, DAVID.id)


async def test_sev2_invites_the_outsider_at_once(harness: Harness) -> None:
    incident = await open_with(harness, "SEV2", [DANA])
    assert DANA in members(harness, incident)
    assert not [m for m in harness.double.messages(incident.channel_id) if ALLOW in str(m.blocks)]
    async with harness.db() as session:
        assert (await session.exec(select(ExternalAccess))).all() == []


async def test_the_setting_allow_invites_the_outsider_at_once(
    tmp_path: Path, clock: FakeClock
) -> None:
    running = await started(tmp_path, clock, SEV1_EXTERNAL_MEMBERS="allow")
    try:
        incident = await open_with(running, "SEV1", [DANA])
        assert DANA in members(running, incident)
        assert "not in the war room yet" not in last_private(running, MARIA.id)
    finally:
        await running.stop()


async def test_legal_is_asked_once_when_slack_answers_nothing(harness: Harness) -> None:
    """Slack posts the brief and Legal's card but the answers are lost (the connection drops):
    the card is found again by its effect id, not posted twice, and the ask remembers it."""
    harness.double.fault("chat.postMessage", "drop", times=2)
    incident = await open_with(harness, "SEV1", [DANA])
    card = legal_card(harness, incident)  # exactly one
    assert (await ask_of(harness)).card_ts == card.ts

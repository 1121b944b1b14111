"""`/crisis open` end to end: signed requests in, real slack-sdk calls out to the double."""

from __future__ import annotations

from sqlmodel import select

from app.audit.models import AuditEntry
from app.harness import Harness
from app.harness.seed import DAVID, JORDAN, LISA, MARIA, ROBERT, SARAH
from app.incidents.models import Incident
from tests.scenarios.conftest import crisis, last_private, seed_roles

STANDING = {MARIA.id, ROBERT.id, LISA.id, DAVID.id, SARAH.id}


async def incidents_in(harness: Harness) -> list[Incident]:
    async with harness.db() as session:
        return list((await session.exec(select(Incident))).all())


async def test_open_creates_private_channel_invites_roles_and_pins_the_brief(
    harness: Harness,
) -> None:
    await seed_roles(harness)
    await crisis(harness, MARIA.id, "open Customer-service video going viral 🔥")

    [incident] = await incidents_in(harness)
    assert incident.ref == "INC-1"
    channel = harness.double.channel(incident.channel_id)
    assert channel.name == "crisis-20261121-customer-service-video-going-viral"
    assert channel.is_private
    assert set(channel.members) >= STANDING
    assert "INC-1" in channel.topic and "SEV2" in channel.topic
    assert channel.purpose
    [pinned] = harness.double.pins(incident.channel_id)
    assert pinned.ts == incident.brief_ts
    brief = harness.double.messages(incident.channel_id)[0]
    assert brief.ts == incident.brief_ts
    assert "INC-1 Customer-service video going viral" in str(brief.blocks)
    assert f"<@{DAVID.id}>" in str(brief.blocks)
    assert "Next stakeholder update due" in str(brief.blocks)
    told = last_private(harness, MARIA.id)
    assert "INC-1" in told and f"<#{incident.channel_id}>" in told


async def test_the_ack_does_not_wait_for_a_slow_slack(harness: Harness) -> None:
    harness.double.latency = 0.8
    response = await harness.driver.command(MARIA.id, "open Slow day", channel_id=harness.general)
    assert response.status == 200
    assert response.elapsed < 0.5
    await harness.settle(timeout=30)
    assert len(await incidents_in(harness)) == 1


async def test_a_taken_name_gives_a_numbered_variant(harness: Harness) -> None:
    harness.double.add_channel("crisis-20261121-product-recall")
    await crisis(harness, MARIA.id, "open Product recall")
    await crisis(harness, MARIA.id, "open Product recall")
    names = [i.channel_name for i in await incidents_in(harness)]
    assert names == ["crisis-20261121-product-recall-2", "crisis-20261121-product-recall-3"]


async def test_one_failed_invite_does_not_stop_the_incident(harness: Harness) -> None:
    await seed_roles(harness)
    harness.double.deactivate(SARAH.id)
    await crisis(harness, MARIA.id, "open Recall of lot 42")
    [incident] = await incidents_in(harness)
    members = set(harness.double.channel(incident.channel_id).members)
    assert STANDING - {SARAH.id} <= members and SARAH.id not in members
    told = last_private(harness, MARIA.id)
    assert f"<@{SARAH.id}>" in told and "deactivated" in told


async def test_a_channel_slack_refuses_is_explained_and_nothing_is_stored(
    harness: Harness,
) -> None:
    harness.double.fail_next("conversations.create", "restricted_action")
    await crisis(harness, MARIA.id, "open Backfired post")
    assert await incidents_in(harness) == []
    told = last_private(harness, MARIA.id)
    assert "couldn't create the channel" in told and "ask an admin" in told


async def test_rate_limited_creation_is_retried(harness: Harness) -> None:
    harness.double.rate_limit_next("conversations.create", retry_after=1)
    await crisis(harness, MARIA.id, "open Rate limited")
    assert len(await incidents_in(harness)) == 1
    assert [c.ok for c in harness.double.calls_to("conversations.create")] == [False, True]


async def test_open_without_title_uses_the_modal(harness: Harness) -> None:
    await crisis(harness, MARIA.id, "open")
    [view] = harness.double.open_views(MARIA.id)
    assert view["callback_id"] == "crisis_open_incident"
    await harness.driver.submit_view(
        MARIA.id,
        {
            "open_title": "Unexpected viral praise for our support team",
            "open_severity": "SEV3",
            "open_kind": "positive",
            "open_summary": "A happy customer's <!channel> video hit 1M views",
            "open_invitees": [JORDAN.id],
        },
    )
    await harness.settle()
    [incident] = await incidents_in(harness)
    assert (incident.severity, incident.kind) == ("SEV3", "positive")
    assert incident.summary.startswith("A happy customer's")
    assert JORDAN.id in harness.double.channel(incident.channel_id).members
    brief = harness.double.messages(incident.channel_id)[0]
    assert "&lt;!channel&gt;" in str(brief.blocks) and "<!channel>" not in str(brief.blocks)
    assert "INC-1" in last_private(harness, MARIA.id)


async def test_the_modal_refuses_a_blank_title(harness: Harness) -> None:
    await crisis(harness, MARIA.id, "open")
    response = await harness.driver.submit_view(MARIA.id, {"open_title": "   "})
    assert response.json()["response_action"] == "errors"
    assert "open_title" in response.json()["errors"]
    assert await incidents_in(harness) == []


async def test_an_expired_form_request_is_explained(harness: Harness) -> None:
    harness.double.fail_next("views.open", "expired_trigger_id")
    await crisis(harness, MARIA.id, "open")
    assert "took too long" in last_private(harness, MARIA.id)


async def test_opening_is_audited(harness: Harness) -> None:
    await crisis(harness, MARIA.id, "open Audit me")
    async with harness.db() as session:
        entries = list((await session.exec(select(AuditEntry))).all())
    assert [(e.action, e.actor) for e in entries] == [("incident.open", MARIA.id)]
    assert entries[0].detail["channel_name"] == "crisis-20261121-audit-me"

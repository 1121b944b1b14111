"""Audience variants on status updates, through signed requests and the Slack double: each
variant posted where it belongs once (a replayed submission, to this process or another,
posts nothing more), audited with where it went, and screened by the wording guard."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from aiohttp import web

from app.approvals.variants import Audience
from app.clock import FakeClock
from app.harness import Harness
from app.harness.seed import DAVID, MARIA
from app.incidents.models import Incident
from app.main import CrisisRoom, create_app
from app.slack import ids
from app.slack.blocks.approvals.variants_ids import input_id
from app.slackdouble import SlackDriver
from app.slackdouble.workspace import Message
from app.web import EVENTS_PATH, web_app
from tests.scenarios.approvals_helpers import open_seed_incident
from tests.scenarios.audience_room import EXECS, STAFF, audience_room
from tests.scenarios.conftest import crisis
from tests.updates.steps import trail, updates

CHANGED = "The CEO apology is live; sentiment is stabilising."
VARIANTS = {
    Audience.EXECUTIVES: "Board brief: apology live, refund issued. <!channel>",
    Audience.EMPLOYEES: "Team, the apology is live; please point questions to comms.",
    Audience.CUSTOMERS: "We are sorry, and we have reached out to her personally.",
    Audience.PRESS: "Statement: the apology is live and training starts this week.",
    Audience.SOCIAL: "We hear you. We're fixing it.",
}


@pytest.fixture
async def room(tmp_path: Path, clock: FakeClock) -> AsyncIterator[Harness]:
    """The bot with a stakeholder (executive) channel and an employee channel it is in."""
    async with audience_room(tmp_path, clock) as running:
        yield running


async def submit_update(harness: Harness, incident: Incident, variants: dict[Audience, str]) -> Any:
    await crisis(harness, MARIA.id, "update", channel=incident.channel_id)
    values = {
        ids.UPDATE_CHANGED: CHANGED,
        **{input_id(audience): text for audience, text in variants.items()},
    }
    response = await harness.driver.submit_view(MARIA.id, values)
    assert response.status == 200 and "errors" not in response.text, response.text
    await harness.settle()
    return response


def in_thread(harness: Harness, incident: Incident, ts: str) -> list[Message]:
    return [m for m in harness.double.messages(incident.channel_id) if m.thread_ts == ts]


async def test_each_variant_is_posted_where_it_belongs_and_audited(room: Harness) -> None:
    harness = room
    incident = await open_seed_incident(harness)
    await submit_update(harness, incident, VARIANTS)
    [update] = updates(harness, incident)
    [execs] = harness.double.messages(EXECS)  # the executives' words stand for the summary
    assert "Board brief: apology live" in str(execs.blocks) and "for *Executives*" in str(
        execs.blocks
    )
    assert "&lt;!channel&gt;" in str(execs.blocks) and "<!channel>" not in str(execs.blocks)
    [staff] = harness.double.messages(STAFF)
    assert "Team, the apology is live" in str(staff.blocks)
    thread = in_thread(harness, incident, update.ts)
    copies = [m for m in thread if m.text.startswith("Copy-ready for")]
    assert [m.text.split(":")[0] for m in copies] == [
        "Copy-ready for Customers",
        "Copy-ready for Press",
        "Copy-ready for Social",
    ]
    assert all("```" in str(m.blocks) for m in copies)
    [said] = [m.text for m in thread if "Variants of this update posted" in m.text]
    assert f"Executives → <#{EXECS}>" in said and f"Employees → <#{STAFF}>" in said
    posts = await trail(harness, "update.variant_post")
    where = {entry.detail["audience"]: entry.detail["channel"] for entry in posts}
    assert where == {
        "executives": EXECS,
        "employees": STAFF,
        "customers": incident.channel_id,
        "press": incident.channel_id,
        "social": incident.channel_id,
    }
    assert all(entry.detail["ts"] and entry.actor == MARIA.id for entry in posts)
    [posted] = await trail(harness, "update.post")
    assert posted.detail["variants"]["press"] == VARIANTS[Audience.PRESS]
    effects = {m.metadata["event_payload"]["effect"] for m in [staff, *copies] if m.metadata}
    assert f"update-variant:{incident.ref}:U-1:employees" in effects


async def test_a_replayed_submission_posts_nothing_twice(room: Harness) -> None:
    harness = room
    incident = await open_seed_incident(harness)
    submitted = await submit_update(harness, incident, VARIANTS)
    calls = len(harness.double.calls)
    replay = await harness.driver.resend(submitted.sent)
    await harness.settle()
    assert replay.status == 200 and harness.double.calls[calls:] == []
    assert len(harness.double.messages(EXECS)) == 1 and len(harness.double.messages(STAFF)) == 1
    assert len(updates(harness, incident)) == 1
    assert len(await trail(harness, "update.variant_post")) == 5


@pytest.fixture
async def replica(room: Harness) -> AsyncIterator[tuple[SlackDriver, CrisisRoom]]:
    """A second bot process on the same database, behind its own HTTP port."""
    process = create_app(room.settings, clock=room.clock)
    await process.start()
    runner = web.AppRunner(web_app(process), access_log=None)
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", 0).start()
    host, port = runner.addresses[0][:2]
    driver = SlackDriver(room.double, f"http://{host}:{port}{EVENTS_PATH}", "unused")
    try:
        yield driver, process
    finally:
        await driver.close()
        await runner.cleanup()
        await process.stop()


async def test_the_submission_replayed_to_a_second_process_posts_nothing_there(
    room: Harness, replica: tuple[SlackDriver, CrisisRoom]
) -> None:
    harness, (other, process) = room, replica
    incident = await open_seed_incident(harness)
    submitted = await submit_update(harness, incident, VARIANTS)
    calls = len(harness.double.calls)
    replay = await other.resend(submitted.sent)
    await harness.until(lambda: process.idle)
    assert replay.status == 200 and harness.double.calls[calls:] == []
    assert len(harness.double.messages(STAFF)) == 1
    assert len(await trail(harness, "update.variant_post")) == 5


async def test_without_variants_the_summary_goes_to_the_stakeholders_as_before(
    room: Harness,
) -> None:
    harness = room
    incident = await open_seed_incident(harness)
    await submit_update(harness, incident, {Audience.EMPLOYEES: "Team, read this first."})
    [summary] = harness.double.messages(EXECS)
    assert "The CEO apology is live" in str(summary.blocks)
    assert "for *Executives*" not in str(summary.blocks)
    assert len(harness.double.messages(STAFF)) == 1


async def test_the_guard_flags_a_variant_and_legal_is_told(room: Harness) -> None:
    harness = room
    incident = await open_seed_incident(harness)
    flagged = {Audience.PRESS: "This was our fault, and we will fix it."}
    await submit_update(harness, incident, flagged)
    [update] = updates(harness, incident)  # refused nothing: the update and the variant went
    shown = harness.double.render(update.blocks or [])
    assert "Possible admission of fault" in shown and "Legal, please review" in shown
    assert "In the *Press* variant: “our fault”" in shown
    copies = [m for m in in_thread(harness, incident, update.ts) if "Copy-ready" in m.text]
    assert len(copies) == 1
    [note] = [m for m in harness.double.dms(DAVID.id) if "Possible admission" in m.text]
    assert "In the *Press* variant: “our fault”" in note.text and incident.ref in note.text
    [posted] = await trail(harness, "update.post")
    assert posted.detail["variant_fault_phrases"] == {"press": ["our fault"]}


async def test_without_channels_every_variant_is_copy_ready_in_the_update_thread(
    harness: Harness,
) -> None:
    incident = await open_seed_incident(harness)
    await submit_update(harness, incident, {Audience.EXECUTIVES: "Board: all under control."})
    [update] = updates(harness, incident)
    copies = [m for m in in_thread(harness, incident, update.ts) if "Copy-ready" in m.text]
    assert [m.text.split(":")[0] for m in copies] == ["Copy-ready for Executives"]

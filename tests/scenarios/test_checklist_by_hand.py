"""The lead ticks and unticks the checklist's hand-ticked steps from the brief, audited and shown
with who and when; steps an event ticks are not offered; `/crisis open --kind X` without a
title opens the form with X chosen (issue 14)."""

from __future__ import annotations

from typing import Any

from sqlmodel import col, select

from app.audit.models import AuditEntry
from app.harness import Harness
from app.harness.seed import JORDAN, MARIA, SARAH
from app.incidents.models import Incident
from app.slack import ids
from app.slack.blocks import brief_ids
from tests.scenarios.conftest import crisis, last_private
from tests.scenarios.test_playbooks import SEED_KIND, brief_of, open_seed_kind


def tick_options(harness: Harness, incident: Incident) -> list[str]:
    blocks = harness.double.messages(incident.channel_id)[0].blocks or []
    [buttons] = [b for b in blocks if b.get("block_id") == brief_ids.BRIEF_BUTTONS]
    [select_] = [e for e in buttons["elements"] if e["action_id"] == brief_ids.TICK_STEP]
    return [str(option["value"]) for option in select_["options"]]


async def choose(harness: Harness, user: str, incident: Incident, value: str) -> None:
    brief = harness.double.messages(incident.channel_id)[0]
    response = await harness.driver.click(
        user, brief_ids.TICK_STEP, value=value, channel_id=incident.channel_id, message_ts=brief.ts
    )
    assert response.status == 200, response.text
    await harness.settle()


def line_of(harness: Harness, incident: Incident, step: str) -> str:
    [line] = [line for line in brief_of(harness, incident).splitlines() if f"*{step}*" in line]
    return line


async def audited(harness: Harness) -> list[tuple[str, Any]]:
    async with harness.db() as session:
        query = select(AuditEntry).where(col(AuditEntry.action).startswith("checklist."))
        return [(row.action, row.detail) for row in (await session.exec(query)).all()]


async def test_the_lead_ticks_and_unticks_a_step_by_hand(harness: Harness) -> None:
    incident = await open_seed_kind(harness)
    offered = tick_options(harness, incident)
    assert f"{incident.id}:assess:tick" in offered
    assert not any(":communicate:" in value or ":update:" in value for value in offered)
    await choose(harness, MARIA.id, incident, f"{incident.id}:assess:tick")
    line = line_of(harness, incident, "Assess")
    assert line.startswith(":white_check_mark:"), line
    assert "_ticked by @Maria Rodriguez, 2026-11-21 14:00 UTC_" in line, line
    assert "1 of 9 done" in brief_of(harness, incident)
    assert f"{incident.id}:assess:untick" in tick_options(harness, incident)
    await choose(harness, MARIA.id, incident, f"{incident.id}:assess:untick")
    assert line_of(harness, incident, "Assess").startswith(":white_large_square:")
    assert "0 of 9 done" in brief_of(harness, incident)
    assert await audited(harness) == [
        ("checklist.tick", {"step": "assess", "event": "by_hand"}),
        ("checklist.untick", {"step": "assess", "event": "by_hand"}),
    ]


async def test_only_the_lead_ticks_by_hand(harness: Harness) -> None:
    incident = await open_seed_kind(harness)
    await choose(harness, SARAH.id, incident, f"{incident.id}:engage:tick")
    assert "Only the lead can tick" in last_private(harness, SARAH.id)
    await choose(harness, JORDAN.id, incident, f"{incident.id}:engage:tick")  # not in the room
    assert "Only the lead" not in last_private(harness, JORDAN.id)
    assert line_of(harness, incident, "Engage").startswith(":white_large_square:")
    assert await audited(harness) == []


async def test_open_with_a_kind_and_no_title_opens_the_form_with_it_chosen(
    harness: Harness,
) -> None:
    await crisis(harness, MARIA.id, "open --kind product_recall")
    [view] = harness.double.open_views(MARIA.id)
    [block] = [b for b in view["blocks"] if b.get("block_id") == ids.OPEN_PLAYBOOK]
    assert block["element"]["initial_option"]["value"] == "product_recall"
    await harness.driver.submit_view(
        MARIA.id, {ids.OPEN_TITLE: "Batch 12 recall", ids.OPEN_SEVERITY: "SEV2"}
    )
    await harness.settle()
    async with harness.db() as session:
        incident = (await session.exec(select(Incident))).one()
    assert incident.crisis_kind == "product_recall"


async def test_open_with_an_unknown_kind_and_no_title_opens_no_form(harness: Harness) -> None:
    await crisis(harness, MARIA.id, "open --kind meteor")
    assert not harness.double.open_views(MARIA.id)
    told = last_private(harness, MARIA.id)
    assert '"meteor" is not a kind of crisis' in told and SEED_KIND in told

"""`/crisis export` in the war room: lead and Legal only; the document and its hash posted."""

from __future__ import annotations

from app.harness import Harness
from app.harness.seed import DAVID, MARIA, SARAH
from app.record.verify import verify_incident
from tests.record.scenario import open_war_room, record_of, settle_all
from tests.scenarios.conftest import crisis, last_private


def uploads(harness: Harness, channel: str) -> list:
    return [m for m in harness.double.messages(channel) if m.files]


async def test_legal_exports_the_record_into_the_war_room(harness: Harness) -> None:
    incident = await open_war_room(harness)
    harness.double.post_as(MARIA.id, incident.channel_id, "Holding statement <b>approved</b>")
    await settle_all(harness)
    report = await verify_incident(harness.db, incident.id)

    await crisis(harness, DAVID.id, "export", channel=incident.channel_id)
    await settle_all(harness)

    [shared] = uploads(harness, incident.channel_id)
    [document, manifest] = shared.files  # the production manifest beside it
    assert document.name == "INC-1-record.html" and document.user == harness.double.bot_user_id
    assert manifest.name == "INC-1-record.html.manifest.json"
    page = document.content.decode()
    assert "Holding statement &lt;b&gt;approved&lt;/b&gt;" in page
    assert "Maria Rodriguez" in page and "David Kim" in page
    final = page[page.index("Final chain hash") :]
    rows = await record_of(harness, incident.id)
    [export] = [r for r in rows if r["kind"] == "action" and r["body"]["action"] == "record.export"]
    posted_hash = export["body"]["detail"]["final_hash"]
    assert posted_hash in final and posted_hash in shared.text
    assert export["body"]["detail"]["entries"] >= report.verdict.entries
    assert export["user_id"] == DAVID.id and export["body"]["detail"]["format"] == "html"
    assert "exported the legal record of INC-1" in shared.text
    archived = [r for r in rows if r["kind"] == "file"]
    assert archived and archived[-1]["body"]["message"]["files"][0]["stored"] is True
    assert (await verify_incident(harness.db, incident.id)).intact


async def test_others_are_refused_clearly(harness: Harness) -> None:
    incident = await open_war_room(harness)
    await crisis(harness, SARAH.id, "export", channel=incident.channel_id)
    told = last_private(harness, SARAH.id)
    assert "Only the incident lead and Legal" in told and f"<@{DAVID.id}>" in told
    assert uploads(harness, incident.channel_id) == []


async def test_a_bad_format_or_place_is_explained(harness: Harness) -> None:
    incident = await open_war_room(harness)
    await crisis(harness, MARIA.id, "export pdf", channel=incident.channel_id)
    assert "not an export format" in last_private(harness, MARIA.id)
    await crisis(harness, MARIA.id, "export")
    assert "only works inside a war room" in last_private(harness, MARIA.id)


async def test_the_export_catches_up_with_slack_first(harness: Harness) -> None:
    incident = await open_war_room(harness)
    harness.driver.stop_forwarding()
    harness.double.post_as(MARIA.id, incident.channel_id, "Said while the bot was away")
    await harness.double.settle()
    await crisis(harness, MARIA.id, "export md", channel=incident.channel_id)
    [shared] = uploads(harness, incident.channel_id)
    text = shared.files[0].content.decode()
    assert shared.files[0].name == "INC-1-record.md"
    assert "Said while the bot was away" in text and "recovered" in text

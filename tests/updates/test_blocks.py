"""The update builders: structure, escaping and Slack's limits."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from app.incidents.models import Incident, Kind, Severity, Status
from app.slack import ids
from app.slack.blocks.updates.lines import cadence_shown
from app.slack.blocks.updates.modals import read_resolve_form, read_update_form, update_modal
from app.slack.blocks.updates.posts import summary_blocks, update_blocks
from app.slack.blocks.updates.reminders import (
    NudgeFacts,
    OpenItem,
    escalation_blocks,
    escalation_note,
    nudge_blocks,
)
from app.updates.models import StatusUpdate, UpdateKind

NOW = datetime(2026, 11, 21, 15, 0, tzinfo=UTC)
HOSTILE = "<!channel> <@U0CEO> & *bold* " + "x" * 5000


def incident(**overrides: Any) -> Incident:
    values: dict[str, Any] = {
        "id": 7,
        "title": "Customer-service video going viral",
        "severity": Severity.SEV1,
        "kind": Kind.CRISIS,
        "status": Status.RESPONDING,
        "channel_id": "C0WAR",
        "channel_name": "crisis-20261121-video",
        "opened_by": "U0MARIA",
        "opened_at": NOW - timedelta(hours=1),
        "cadence_seconds": 1800,
        "next_update_due": NOW + timedelta(minutes=30),
    }
    return Incident(**{**values, **overrides})


def posted(**overrides: Any) -> StatusUpdate:
    values: dict[str, Any] = {
        "id": 1,
        "incident_id": 7,
        "status": "responding",
        "changed": "Apology live.\nSecond line.",
        "actions": "Paid social paused.",
        "posted_by": "U0MARIA",
        "posted_at": NOW,
    }
    return StatusUpdate(**{**values, **overrides})


def dicts(blocks: list) -> list[dict]:
    return [block.to_dict() for block in blocks]


def by_id(blocks: list[dict]) -> dict[str, dict]:
    return {b["block_id"]: b for b in blocks if "block_id" in b}


def test_an_update_escapes_user_text_and_fits_slacks_limits() -> None:
    blocks = dicts(update_blocks(incident(), posted(changed=HOSTILE, metrics=HOSTILE)))
    text = str(blocks)
    assert "<!channel>" not in text and "&lt;!channel&gt; &lt;@U0CEO&gt; &amp;" in text
    assert all(len(b.get("text", {}).get("text", "")) <= 3000 for b in blocks)
    assert "Next update due <!date^" in str(by_id(blocks)[ids.UPDATE_NEXT])
    assert "Responding" in str(by_id(blocks)[ids.UPDATE_FACTS])


def test_empty_sections_are_left_out_and_a_resolution_says_so() -> None:
    blocks = dicts(
        update_blocks(
            incident(status=Status.RESOLVED),
            posted(kind=UpdateKind.RESOLUTION, status="resolved", actions="", changed="Over."),
        )
    )
    text = str(blocks)
    assert "Actions taken" not in text and "Key metrics" not in text
    assert "Resolved · INC-7" in text and "*Resolution*" in text
    assert "no more updates due" in text


def test_the_executive_summary_is_concise_and_links_the_war_room() -> None:
    blocks = dicts(summary_blocks(incident(), posted(changed="Headline here\n" + "detail " * 500)))
    found = by_id(blocks)
    assert "Headline here" in found[ids.SUMMARY_HEADLINE]["text"]["text"]
    assert "detail" not in found[ids.SUMMARY_HEADLINE]["text"]["text"]
    facts = str(found[ids.SUMMARY_FACTS])
    assert "Responding" in facts and "SEV1 critical" in facts and "<!date^" in facts
    assert any(
        b.get("text", {}).get("text") == "*What we're doing*\nPaid social paused." for b in blocks
    )
    assert "<#C0WAR>" in str(found[ids.SUMMARY_LINK])


def test_a_nudge_mentions_the_leads_lists_what_is_open_and_offers_the_button() -> None:
    items = [OpenItem(f"A-{n}", "<b>CEO apology</b>", "waiting for Legal") for n in range(12)]
    facts = NudgeFacts(
        incident(), ["U0MARIA"], since_update=None, since_open=3900, open_items=items
    )
    found = by_id(dicts(nudge_blocks(facts)))
    assert "<@U0MARIA>" in found[ids.NUDGE_TEXT]["text"]["text"]
    assert "opened 1h 5m ago" in found[ids.NUDGE_TEXT]["text"]["text"]
    listed = found[ids.NUDGE_OPEN]["text"]["text"]
    assert "&lt;b&gt;CEO apology" in listed and "…and 2 more" in listed
    [button] = found[ids.NUDGE_ACTIONS]["elements"]
    assert button["action_id"] == ids.POST_UPDATE and button["value"] == "7"


def test_a_nudge_without_leads_mentions_who_opened_it() -> None:
    facts = NudgeFacts(incident(), [], since_update=600, since_open=3900)
    found = by_id(dicts(nudge_blocks(facts)))
    assert "<@U0MARIA>" in found[ids.NUDGE_TEXT]["text"]["text"]
    assert "Last update 10m ago" in found[ids.NUDGE_TEXT]["text"]["text"]
    assert "Nothing is waiting" in found[ids.NUDGE_OPEN]["text"]["text"]


def test_escalations_say_how_overdue_and_who_was_reached() -> None:
    dm = str(dicts(escalation_blocks(incident(), due_at=NOW, overdue=3700, leads=["U0MARIA"])))
    assert "*1h 1m overdue*" in dm and "<#C0WAR>" in dm and "<@U0MARIA>" in dm
    note = escalation_note(since_nudge=1800, reached=["U0ROB"], unreached=["U0LISA"])
    assert "escalated to <@U0ROB>" in note and "couldn't reach <@U0LISA>" in note
    assert "nobody holds the *exec* role" in escalation_note(
        since_nudge=1800, reached=[], unreached=[]
    )


def test_the_update_form_is_prefilled_and_read_back() -> None:
    view = update_modal(incident()).to_dict()
    blocks = by_id(view["blocks"])
    assert blocks[ids.UPDATE_NEXT_DUE]["element"]["initial_value"] == "30m"
    assert blocks[ids.UPDATE_STATUS]["element"]["initial_option"]["value"] == "responding"
    values = {
        ids.UPDATE_STATUS: {ids.UPDATE_STATUS: {"selected_option": {"value": "monitoring"}}},
        ids.UPDATE_CHANGED: {ids.UPDATE_CHANGED: {"value": " Calmer "}},
        ids.UPDATE_NEXT_DUE: {ids.UPDATE_NEXT_DUE: {"value": "1h 30m"}},
    }
    form, errors = read_update_form(values, view["private_metadata"])
    assert errors == {} and form is not None
    assert form.incident_id == 7 and form.draft.status == Status.MONITORING
    assert form.draft.changed == "Calmer" and form.draft.next_in_seconds == 5400


def test_a_paused_incident_prefills_no_next_due_and_reads_errors() -> None:
    view = update_modal(incident(cadence_seconds=None)).to_dict()
    assert ids.UPDATE_NEXT_DUE not in by_id(view["blocks"]) and "paused" in str(view)
    values = {ids.UPDATE_METRICS: {ids.UPDATE_METRICS: {"value": "m" * 501}}}
    form, errors = read_update_form(values, view["private_metadata"])
    assert form is None
    assert set(errors) == {ids.UPDATE_STATUS, ids.UPDATE_CHANGED, ids.UPDATE_METRICS}
    assert read_resolve_form({}, view["private_metadata"])[1] == {
        ids.RESOLVE_SUMMARY: "Say in a sentence how it ended."
    }


def test_the_cadence_answer_says_when_and_how_to_change_it() -> None:
    shown = cadence_shown(incident(), NOW)
    assert "every 30m" in shown and "in 30m" in shown and "/crisis cadence off" in shown
    assert "paused" in cadence_shown(incident(cadence_seconds=None, next_update_due=None), NOW)
    assert "resolved" in cadence_shown(incident(status=Status.RESOLVED), NOW)

"""The brief's checklist block: structure, ticks and escaping."""

from __future__ import annotations

from datetime import UTC, datetime

from app.playbooks.models import ChecklistItem
from app.slack.blocks.checklist import BRIEF_CHECKLIST, checklist_block, item_line

AT = datetime(2026, 11, 21, 14, 20, tzinfo=UTC)


def item(step: str, label: str, **ticked: object) -> ChecklistItem:
    return ChecklistItem(incident_id=1, step=step, position=0, label=label, **ticked)


def test_an_open_item_says_what_will_tick_it() -> None:
    line = item_line(item("update", "Tell <!channel> & co", ticks_on="update_posted"))
    assert line == (
        ":white_large_square: *Update*: Tell &lt;!channel&gt; &amp; co _(ticks when update posted)_"
    )


def test_a_ticked_item_says_what_ticked_it_who_and_when() -> None:
    line = item_line(
        item(
            "communicate",
            "Issue a statement",
            ticks_on="statement_approved",
            ticked_at=AT,
            ticked_by="U0ROBERT",
            ticked_for="A-1",
        )
    )
    assert line.startswith(":white_check_mark: *Communicate*: Issue a statement · _A-1 statement")
    assert "approved by <@U0ROBERT>, <!date^" in line and "|2026-11-21 14:20 UTC>_" in line


def test_the_block_counts_what_is_done() -> None:
    block = checklist_block(
        [item("assess", "Facts"), item("plan", "Fixes", ticked_at=AT, ticked_by="U0M")],
        "data_incident",
    )
    assert block.block_id == BRIEF_CHECKLIST
    assert block.text is not None
    head = block.text.text.splitlines()[0]
    assert head == "*War-room checklist* · playbook `data_incident` · 1 of 2 done"

"""Lists cut to a page say how many more there are."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime

from slack_sdk.models.blocks import Block

from app.home.facts import HomeFacts
from app.incidents.models import Incident
from app.slack.blocks.home import LIST_PAGE, home_view, list_blocks

NOW = datetime(2026, 3, 1, 9, 0, tzinfo=UTC)


def incident(number: int) -> Incident:
    return Incident(
        id=number,
        title=f"Incident {number}",
        channel_id=f"C{number:06d}",
        channel_name=f"crisis-{number}",
        opened_by="U0MARIA",
        opened_at=NOW,
    )


def texts(blocks: Sequence[Block]) -> str:
    return str([block.to_dict() for block in blocks])


def test_list_says_how_many_more() -> None:
    page = [incident(n) for n in range(1, LIST_PAGE + 1)]
    blocks = list_blocks(page, leads=[], now=NOW, more=955)
    assert len(blocks) <= 50 and "…and 955 more open incident(s) not shown." in texts(blocks)
    assert "more open" not in texts(list_blocks(page[:3], leads=[], now=NOW))


def test_home_says_how_many_more_of_each() -> None:
    facts = HomeFacts(
        user_id="U0ALEX",
        now=NOW,
        waiting=[],
        active=[incident(1)],
        resolved=[incident(2)],
        leads=[],
        more_active=734,
        more_resolved=245,
    )
    shown = texts(home_view(facts).blocks)
    assert "…and 734 more open incident(s)" in shown and "…and 245 more resolved" in shown
    plain = HomeFacts(user_id="U0ALEX", now=NOW, waiting=[], active=[], resolved=[], leads=[])
    assert "more open" not in texts(home_view(plain).blocks)

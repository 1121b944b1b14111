"""The demo plays the seed crisis end to end and tells it readably."""

from __future__ import annotations

import pytest

from app.demo.run import run_demo


async def test_the_demo_plays_the_seed_to_its_outcome(capsys: pytest.CaptureFixture[str]) -> None:
    assert await run_demo() == 0
    out = capsys.readouterr().out
    assert "A-1 CEO apology on all platforms: done" in out
    assert "A-2 Refund offer to the affected customer: approved" in out
    assert "A-3 Temporary hold on paid social advertising: approved" in out
    assert "A-4 Influencer partnership for positive messaging: approved" in out
    assert "Only marketing can approve this." in out
    assert "No admissions of fault in public statements" in out
    assert "Revision 2" in out or "revision 2" in out
    assert "Traceback" not in out and "error id" not in out

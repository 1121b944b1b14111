"""The demo plays the seed crisis end to end and tells it readably."""

from __future__ import annotations

from pathlib import Path

import pytest

from app.demo.run import run_demo


async def test_the_demo_plays_the_seed_to_its_outcome(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    assert await run_demo(out_dir=tmp_path) == 0
    out = capsys.readouterr().out
    assert "A-1 CEO apology on all platforms: done" in out
    assert "A-2 Refund offer to the affected customer: approved" in out
    assert "A-3 Temporary hold on paid social advertising: approved" in out
    assert "A-4 Influencer partnership for positive messaging: approved" in out
    assert "Only marketing can approve this." in out
    assert "No admissions of fault in public statements" in out
    assert "Revision 2" in out or "revision 2" in out
    assert "the stakeholder update for *INC-1* is due" in out
    assert "[DM with Robert Chen] Crisis Room" in out and "escalated to @Robert Chen" in out
    assert "(SEV1, resolved)" in out and "exported the legal record of INC-1" in out
    assert f"to {tmp_path / 'INC-1-record.html'}" in out
    assert "crisisroom verify INC-1: INC-1: intact" in out
    assert "Jordan Lee deleted a message" in out
    assert "Traceback" not in out and "error id" not in out

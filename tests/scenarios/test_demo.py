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
    assert "A-1 Apology statement on all platforms: done" in out
    assert "A-2 Remedy for the affected customer: approved" in out
    assert "A-3 Pause paid social advertising: approved" in out
    assert "A-4 Influencer and partner messaging: approved" in out
    assert "A-8 Apology for a long wait: approved" in out
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


async def test_the_demo_feeds_the_seeds_numbers_and_draws_them(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    """Issue 15: the feed's points, the alerts and the executive's DM, the chart in the war
    room, the CEO video's views by hand, the recovery, and the PNGs next to the record."""
    assert await run_demo(out_dir=tmp_path) == 0
    out = capsys.readouterr().out
    storm = out[out.index("=== Scene 5: The listening tool's feed") : out.index("=== Scene 6")]
    assert '{"ok": true, "stored": 3, "duplicates": 0}' in storm
    assert "views crossed 1M" in storm and "sentiment dropped 40% within 2h" in storm
    assert "[DM with Robert Chen] Crisis Room:" in storm
    assert "[file: INC-1-views.png]" in storm and "[file: INC-1-sentiment.png]" in storm
    assert "Recorded *ceo_video_views* = 150K (youtube)" in out
    assert "sentiment recovered on meltwater: within 10% of baseline for 24h" in out
    assert "No `views` point" not in out  # the feed reported hourly: no silence to flag
    for metric in ("views", "sentiment", "ceo_video_views"):
        chart = tmp_path / f"INC-1-{metric}.png"
        assert chart.read_bytes().startswith(b"\x89PNG")
        assert f"Wrote the chart of {metric} to {chart}" in out


async def test_the_demo_prepares_in_peacetime_and_fast_tracks_the_statement(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    """The library approval weeks before, the statement used unchanged with only the lead's
    confirmation, and the brief's checklist ticked by it, by hand and by the first update."""
    assert await run_demo(out_dir=tmp_path) == 0
    out = capsys.readouterr().out
    library, opened = out.index("=== Scene 2: Peacetime"), out.index("=== Scene 3: 21 November")
    peacetime = out[library:opened]
    assert "== Library · apology-long-wait v1 · Apology for a long wait ==" in peacetime
    assert "*Legal*: approved by @David Kim 2026-10-02 09:00 UTC" in peacetime
    assert "*Executive*: approved by @Robert Chen 2026-10-02 09:00 UTC" in peacetime
    assert "“apology-long-wait” v1 is approved and can be used" in peacetime
    assert "playbook `service_failure_viral` · 0 of 9 done" in out[opened:]
    assert "== A-7 · 24/7 monitoring until sentiment recovers ==" in out[opened:]
    assert "/crisis propose --from-library apology-long-wait" in out[opened:]
    assert (
        "pre-approved by Legal (David Kim) and Executive (Robert Chen) on 2026-10-02, "
        "used unchanged" in out
    )
    assert "Only the lead's confirmation is needed." in out
    assert (
        "+ :white_check_mark: *Communicate*: Issue a clear holding statement · "
        "_A-8 statement approved by @Maria Rodriguez, 2026-11-21 14:00 UTC_" in out
    )
    assert "_ticked by @Maria Rodriguez, 2026-11-21 14:00 UTC_" in out  # "assess", by hand
    assert "_update posted by @Maria Rodriguez" in out

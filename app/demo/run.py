"""`crisisroom demo`: the seed crisis, played by its people, against the Slack test double."""

from __future__ import annotations

import logging
import tempfile
from pathlib import Path

from app.clock import FakeClock
from app.demo.script import SCENES, summary
from app.demo.script_metrics import METRICS_SECRET, write_charts
from app.demo.script_peacetime import PEACETIME
from app.demo.transcript import Transcript
from app.harness import Harness, start_harness
from app.record.export.run import export_record
from app.record.verify import verify_incident

DEMO_SEED = 20261121
"""Seeds every id the Slack double invents: with the fake clock, the same record every run."""


async def run_demo(*, quiet: bool = False, out_dir: str | Path = "exports") -> int:
    logging.basicConfig(level=logging.WARNING)
    with tempfile.TemporaryDirectory(prefix="crisisroom-demo-") as folder:
        harness = await start_harness(
            database_url=f"sqlite:///{Path(folder) / 'demo.db'}",
            clock=FakeClock(PEACETIME),
            seed=DEMO_SEED,
            CRISIS_METRICS_SECRET=METRICS_SECRET,
        )
        clock = harness.clock
        harness.double.ws.wall = lambda: clock.now().timestamp()  # one clock for bot and Slack
        harness.double.ws.events_first = True  # so events, not catch-up, record the bot's posts
        harness.driver.forward_events()
        try:
            await _play(harness, quiet=quiet)
            print(await summary(harness))
            intact = await _export_and_verify(harness, Path(out_dir))
        finally:
            await harness.stop()
    return 0 if intact else 1


async def _export_and_verify(harness: Harness, out_dir: Path) -> bool:
    """Export INC-1's record as HTML and JSONL, print where they are, and verify the chain."""
    out_dir.mkdir(parents=True, exist_ok=True)
    for fmt in ("html", "jsonl"):
        path = out_dir / f"INC-1-record.{fmt}"
        with path.open("w", encoding="utf-8") as out:
            result = await export_record(harness.db, 1, fmt, out, now=harness.clock.now())
        print(f"Exported {result.entries} record entries to {path}")
    await write_charts(harness, out_dir)
    report = await verify_incident(harness.db, 1)
    print(f"crisisroom verify INC-1: {report.describe()}")
    return report.intact


async def _play(harness: Harness, *, quiet: bool) -> None:
    transcript = Transcript()
    for number, (title, scene) in enumerate(SCENES, start=1):
        seen = len(harness.double.timeline)
        await scene(harness)
        if quiet:
            continue
        print(f"\n=== Scene {number}: {title} ===\n")
        print(transcript.readable(harness.double.timeline[seen:]))
    if not quiet:
        print()

"""`crisisroom demo`: the seed crisis, played by its people, against the Slack test double."""

from __future__ import annotations

import logging
import tempfile
from pathlib import Path

from app.clock import FakeClock
from app.demo.script import SCENES, summary
from app.demo.transcript import Transcript
from app.harness import Harness, start_harness


async def run_demo(*, quiet: bool = False) -> int:
    logging.basicConfig(level=logging.WARNING)
    with tempfile.TemporaryDirectory(prefix="crisisroom-demo-") as folder:
        harness = await start_harness(
            database_url=f"sqlite:///{Path(folder) / 'demo.db'}", clock=FakeClock()
        )
        try:
            await _play(harness, quiet=quiet)
            print(await summary(harness))
        finally:
            await harness.stop()
    return 0


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

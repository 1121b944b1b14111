"""The demo's record is reproducible: two runs of `crisisroom demo`, each its own process as a
person would run it, end on the same chain, entry for entry."""

from __future__ import annotations

import asyncio
import os
import re
import sys
from pathlib import Path

VERIFIED = re.compile(r"crisisroom verify INC-1: INC-1: intact, ([\d,]+) entries, final hash (\w+)")
ROOT = Path(__file__).resolve().parents[2]


async def _final(folder: Path) -> tuple[str, str]:
    folder.mkdir()
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "app",
        "demo",
        cwd=folder,
        env=env,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    out, err = await asyncio.wait_for(process.communicate(), timeout=240)
    assert process.returncode == 0, err.decode()[-2000:]
    found = VERIFIED.search(out.decode())
    assert found is not None, "the demo prints the verified entry count and final hash"
    return found.group(1), found.group(2)


async def test_two_runs_of_the_demo_end_on_the_same_final_hash(tmp_path: Path) -> None:
    first = await _final(tmp_path / "first")
    second = await _final(tmp_path / "second")
    assert int(first[0].replace(",", "")) > 50
    assert second == first
    exports = [tmp_path / run / "exports" / "INC-1-record.jsonl" for run in ("first", "second")]
    assert exports[0].read_bytes() == exports[1].read_bytes()

"""The demo's record is reproducible: two runs end on the same chain, entry for entry."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from app.demo.run import run_demo

VERIFIED = re.compile(r"crisisroom verify INC-1: INC-1: intact, ([\d,]+) entries, final hash (\w+)")


async def _final(capsys: pytest.CaptureFixture[str], out_dir: Path) -> tuple[str, str]:
    assert await run_demo(quiet=True, out_dir=out_dir) == 0
    found = VERIFIED.search(capsys.readouterr().out)
    assert found is not None, "the demo prints the verified entry count and final hash"
    return found.group(1), found.group(2)


async def test_two_runs_of_the_demo_end_on_the_same_final_hash(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    first = await _final(capsys, tmp_path / "first")
    second = await _final(capsys, tmp_path / "second")
    assert int(first[0].replace(",", "")) > 50
    assert second == first
    jsonl = [(tmp_path / run / "INC-1-record.jsonl").read_bytes() for run in ("first", "second")]
    assert jsonl[0] == jsonl[1]

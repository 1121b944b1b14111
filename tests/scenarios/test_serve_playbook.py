"""`python -m app serve` with a playbook file full of mistakes: one prefixed line per mistake."""

from __future__ import annotations

import asyncio
from pathlib import Path

from tests.scenarios.test_serve import serve, serve_env


async def test_a_bad_playbook_file_prints_each_mistake_with_the_prefix(tmp_path: Path) -> None:
    book = tmp_path / "playbooks.yml"
    book.write_text("kinds:\n  recall:\n    cadence_minutes: 0\n    colour: red\n")
    env = serve_env(tmp_path, "http://127.0.0.1:9/api/", CRISIS_PLAYBOOK_FILE=str(book))
    process = await serve(env, tmp_path)
    _, err = await asyncio.wait_for(process.communicate(), timeout=60)
    assert process.returncode == 2
    lines = err.decode().strip().splitlines()
    assert len(lines) == 3, lines
    assert all(line.startswith(f"crisisroom: {book}: kinds.recall") for line in lines), lines
    assert "Traceback" not in err.decode()

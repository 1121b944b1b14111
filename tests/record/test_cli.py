"""`crisisroom verify` and `crisisroom export` from the command line, and their exit codes."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

import pytest
from sqlalchemy import text

from app.cli import main
from app.clock import FakeClock
from app.record.hook import install_record_hook
from app.store.engine import make_engine, make_session_factory
from app.store.migrate import upgrade
from tests.record.helpers import add, draft_of, message, new_incident


def seeded(tmp_path: Path, *, tampered: bool = False) -> str:
    url = f"sqlite:///{tmp_path / 'crisis.db'}"

    async def seed() -> None:
        engine = make_engine(url)
        await upgrade(engine)
        db, clock = make_session_factory(engine), FakeClock()
        install_record_hook(db)  # as create_app does
        incident = await new_incident(db, clock)
        for n in range(1, 4):
            said = message(f"1763733600.{n:06d}", f"=SUM(A{n}) <b>update</b> {n}")
            await add(db, incident.id, draft_of(said), clock)
        if tampered:
            async with engine.begin() as conn:
                await conn.execute(text("DROP TRIGGER record_entry_no_update"))
                await conn.execute(
                    text("UPDATE record_entry SET user_name = 'Nobody' WHERE seq = 3")
                )
        await engine.dispose()

    asyncio.run(seed())
    return url


def test_verify_an_intact_record(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    url = seeded(tmp_path)
    assert main(["verify", "INC-1", "--database", url]) == 0
    assert "INC-1: intact, 4 entries, final hash" in capsys.readouterr().out
    assert main(["verify", "--all", "--database", url]) == 0


def test_verify_names_the_tampered_entry(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    url = seeded(tmp_path, tampered=True)
    assert main(["verify", "INC-1", "--database", url]) == 1
    out = capsys.readouterr().out
    assert "NOT intact" in out and "entry 3, seq 3" in out and "altered" in out
    assert main(["verify", "--all", "--database", url]) == 1


def test_bad_usage_exits_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    url = seeded(tmp_path)
    assert main(["verify", "INC-9", "--database", url]) == 2
    assert "no incident INC-9" in capsys.readouterr().err
    assert main(["verify", "--database", url]) == 2
    assert main(["verify", "INC-1", "--all", "--database", url]) == 2
    assert main(["verify", "yesterday", "--database", url]) == 2
    assert main(["export", "INC-1", "--tz", "Mars/Olympus", "--database", url]) == 2


@pytest.mark.parametrize("fmt", ["html", "md", "jsonl", "csv"])
def test_export_writes_the_document(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], fmt: str
) -> None:
    url = seeded(tmp_path)
    out = tmp_path / f"record.{fmt}"
    args = ["export", "INC-1", "--format", fmt, "--out", str(out), "--offline"]
    assert main([*args, "--database", url, "--tz", "America/New_York"]) == 0
    assert f"wrote {out} (4 entries, final hash" in capsys.readouterr().err
    written = out.read_text(encoding="utf-8")
    assert "update" in written
    if fmt in ("html", "md"):
        assert "<b>" not in written and "&lt;b&gt;" in written
        assert "All times are America/New" in written
    if fmt == "csv":
        assert ",'=SUM(A1)" in written and ",=SUM" not in written


def test_an_exported_jsonl_file_verifies_on_its_own(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    url = seeded(tmp_path)
    out = tmp_path / "record.jsonl"
    assert (
        main(
            [
                "export",
                "INC-1",
                "--format",
                "jsonl",
                "--out",
                str(out),
                "--offline",
                "--database",
                url,
            ]
        )
        == 0
    )
    assert main(["verify", "--file", str(out)]) == 0
    lines = out.read_text().splitlines()
    entry = json.loads(lines[2])
    entry["user_name"] = "Someone else"
    lines[2] = json.dumps(entry)
    out.write_text("\n".join(lines) + "\n")
    assert main(["verify", "--file", str(out)]) == 1
    assert "seq 3" in capsys.readouterr().out

"""`crisisroom export`: the production manifest beside every export, the custody entry in the
record, and `--all --since --until`."""

from __future__ import annotations

import asyncio
import hashlib
import json
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest

from app.cli import main
from app.clock import FakeClock
from app.record.hook import install_record_hook
from app.store.engine import make_engine, make_session_factory
from app.store.migrate import upgrade
from tests.record.helpers import add, draft_of, message, new_incident, rows


def seeded(tmp_path: Path) -> str:
    """INC-1 opened 2026-11-21 with three messages; INC-2 opened 2026-12-05 with one."""
    url = f"sqlite:///{tmp_path / 'crisis.db'}"

    async def seed() -> None:
        engine = make_engine(url)
        await upgrade(engine)
        db, clock = make_session_factory(engine), FakeClock()
        install_record_hook(db)
        first = await new_incident(db, clock)
        for n in range(1, 4):
            await add(db, first.id or 0, draft_of(message(f"1795269600.{n:06d}", f"m{n}")), clock)
        clock.advance(timedelta(days=14))
        second = await new_incident(db, clock, channel="C0LATER")
        later = message("1796479200.000001", "later", channel="C0LATER")
        await add(db, second.id or 0, draft_of(later), clock)
        await engine.dispose()

    asyncio.run(seed())
    return url


def record(url: str, incident_id: int) -> list[dict[str, Any]]:
    async def read() -> list[dict[str, Any]]:
        engine = make_engine(url)
        try:
            return await rows(make_session_factory(engine), incident_id)
        finally:
            await engine.dispose()

    return asyncio.run(read())


def check_files(manifest: dict[str, Any], base: Path) -> None:
    assert manifest["files"]
    for entry in manifest["files"]:
        data = (base / entry["path"]).read_bytes()
        assert entry["size"] == len(data)
        assert entry["sha256"] == hashlib.sha256(data).hexdigest()
        assert entry["md5"] == hashlib.md5(data).hexdigest()


def test_a_manifest_beside_the_export_and_a_custody_entry(tmp_path: Path) -> None:
    url = seeded(tmp_path)
    out = tmp_path / "record.html"
    args = ["export", "INC-1", "--out", str(out), "--offline", "--by", "U0DAVID"]
    assert main([*args, "--database", url]) == 0
    manifest = json.loads((tmp_path / "record.html.manifest.json").read_text())
    check_files(manifest, tmp_path)
    [incident] = manifest["incidents"]
    assert incident["entries"] == {"first": 1, "last": 4} and incident["intact"] is True
    assert manifest["exported_by"] == "U0DAVID" and manifest["format"] == "html"
    entries = record(url, 1)
    custody = json.loads(entries[-1]["content"])
    assert entries[-1]["seq"] == 5 and entries[-1]["user_id"] == "U0DAVID"
    assert custody["action"] == "record.export"
    assert incident["head_hash"] == entries[3]["hash"] == custody["detail"]["final_hash"]
    assert custody["detail"]["files"][0]["sha256"] == manifest["files"][0]["sha256"]
    manifest_bytes = (tmp_path / "record.html.manifest.json").read_bytes()
    assert custody["detail"]["manifest"]["md5"] == hashlib.md5(manifest_bytes).hexdigest()
    assert main(["verify", "INC-1", "--database", url]) == 0  # the chain still verifies


def test_rsmf_goes_into_a_folder_listed_by_the_manifest(tmp_path: Path) -> None:
    url = seeded(tmp_path)
    out = tmp_path / "prod"
    assert (
        main(
            [
                "export",
                "INC-1",
                "--format",
                "rsmf",
                "--out",
                str(out),
                "--offline",
                "--database",
                url,
            ]
        )
        == 0
    )
    assert [p.name for p in out.iterdir()] == ["INC-1-2026-11-21.rsmf"]
    manifest = json.loads((tmp_path / "prod.manifest.json").read_text())
    check_files(manifest, tmp_path)
    assert manifest["files"][0]["path"] == "prod/INC-1-2026-11-21.rsmf"
    assert json.loads(record(url, 1)[-1]["content"])["detail"]["format"] == "rsmf"


def test_all_of_a_period(tmp_path: Path) -> None:
    url = seeded(tmp_path)
    out = tmp_path / "period"
    base = ["export", "--all", "--format", "jsonl", "--offline", "--database", url]
    assert main([*base, "--since", "2026-12-01", "--until", "2026-12-31", "--out", str(out)]) == 0
    assert sorted(p.name for p in out.iterdir()) == ["INC-2-record.jsonl"]
    everything = tmp_path / "everything"
    assert main([*base, "--until", "2026-12-31", "--out", str(everything)]) == 0
    manifest = json.loads((tmp_path / "everything.manifest.json").read_text())
    assert [i["ref"] for i in manifest["incidents"]] == ["INC-1", "INC-2"]
    assert manifest["scope"] == {"since": None, "until": "2026-12-31"}
    check_files(manifest, tmp_path)
    assert main(["verify", "--file", str(everything / "INC-1-record.jsonl")]) == 0


def test_bad_usage(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    url = seeded(tmp_path)
    assert main(["export", "INC-1", "--since", "2026-11-01", "--database", url]) == 2
    assert "--since and --until go with --all" in capsys.readouterr().err
    assert main(["export", "--all", "--since", "2026-12-09", "--until", "2026-12-01"]) == 2
    assert main(["export", "--database", url]) == 2
    out = str(tmp_path / "x")
    assert (
        main(
            [
                "export",
                "--all",
                "--since",
                "2030-01-01",
                "--out",
                out,
                "--offline",
                "--database",
                url,
            ]
        )
        == 2
    )
    assert "no incident was open or active from 2030-01-01" in capsys.readouterr().err

"""Anchors: posted by the bot, read back by `crisisroom verify --slack` through the CLI."""

from __future__ import annotations

import asyncio
import re
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import text

from app.cli import main
from app.clock import FakeClock
from app.harness import BOT_TOKEN, SIGNING_SECRET, Harness, start_harness
from app.harness.seed import DAVID, MARIA
from app.incidents.models import Incident
from app.record.anchors import AnchorKind, anchor_text, checkpoint_text, parse, posted_at
from tests.record.scenario import open_war_room, record_of, settle_all
from tests.record.test_tamper import lift_guards
from tests.scenarios.conftest import crisis

CHECKPOINTS = "C0CHECKS"
DIGEST = "ab12" * 16


def test_what_is_posted_is_what_is_parsed() -> None:
    said = f"Done.\n{anchor_text(AnchorKind.EXPORT, 'INC-3', 1234, DIGEST)}\nCheck it."
    [anchor] = parse(said, where="#crisis-x", posted_at=posted_at("1796119200.000100"))
    assert (anchor.kind, anchor.incident_id, anchor.seq, anchor.hash) == ("export", 3, 1234, DIGEST)
    assert anchor.describe() == (
        "export posted 2026-12-01 10:00 UTC in #crisis-x says INC-3 entry 1234 has hash "
        "ab12ab12ab12ab12…"
    )
    assert (
        checkpoint_text("INC-1", 400, DIGEST)
        == f"Record checkpoint: INC-1 entry 400, hash `{DIGEST}`"
    )
    assert [a.seq for a in parse(checkpoint_text("INC-1", 400, DIGEST) * 2)] == [400, 400]
    assert parse(f"Record checkpoint: INC-1 entry 400, hash `{DIGEST[:-1]}`") == []
    assert parse("Record checkpoint: INC-1 entry 4OO, hash `x`") == []
    assert posted_at("not a ts") is None and posted_at("0") == datetime(1970, 1, 1, tzinfo=UTC)


@pytest.fixture
async def bot(
    tmp_path: Path, clock: FakeClock, monkeypatch: pytest.MonkeyPatch
) -> AsyncIterator[Harness]:
    running = await start_harness(
        database_url=f"sqlite:///{tmp_path / 'crisis.db'}",
        clock=clock,
        CRISIS_CHECKPOINT_CHANNEL=CHECKPOINTS,
        CRISIS_CHECKPOINT_EVERY=10,
    )
    members = [running.double.bot_user_id, DAVID.id]
    running.double.add_channel(
        "legal-checkpoints", is_private=True, members=members, id=CHECKPOINTS
    )
    for name, value in {
        "SLACK_BOT_TOKEN": BOT_TOKEN,
        "SLACK_SIGNING_SECRET": SIGNING_SECRET,
        "SLACK_API_URL": running.double.api_url,
        "CRISIS_CHECKPOINT_CHANNEL": CHECKPOINTS,
        "DATABASE_URL": running.settings.database_url,
    }.items():
        monkeypatch.setenv(name, value)
    try:
        yield running
    finally:
        await running.stop()


async def verify(bot: Harness, *args: str) -> int:
    """`crisisroom verify …` as Legal types it (its own event loop, so in a thread)."""
    return await asyncio.to_thread(main, ["verify", *args, "--database", bot.settings.database_url])


async def cut_tail(bot: Harness, incident_id: int, *, keep: int) -> None:
    """Delete every entry after `keep` and move the head back to it, as an attacker would."""
    kept = next(row for row in await record_of(bot, incident_id) if row["seq"] == keep)
    async with bot.db.begin() as session:
        conn = await session.connection()
        await lift_guards(conn)
        await conn.execute(text("DELETE FROM record_entry WHERE seq > :k"), {"k": keep})
        await conn.execute(
            text("UPDATE record_head SET seq = :k, hash = :h"), {"k": keep, "h": kept["hash"]}
        )


async def grow_to(bot: Harness, incident: Incident, entries: int) -> None:
    while len(await record_of(bot, incident.id)) < entries:
        bot.double.post_as(MARIA.id, incident.channel_id, "Monitoring sentiment")
        await settle_all(bot)


async def export(bot: Harness, incident: Incident) -> int:
    """Legal exports the record; returns the entry the export's anchor names."""
    await crisis(bot, DAVID.id, "export", channel=incident.channel_id)
    await settle_all(bot)
    [shared] = [m for m in bot.double.messages(incident.channel_id) if m.files]
    [anchor] = parse(shared.text)
    assert anchor.kind == "export" and shared.user == bot.double.bot_user_id
    return anchor.seq


async def test_an_intact_record_matches_every_anchor(
    bot: Harness, capsys: pytest.CaptureFixture[str]
) -> None:
    incident = await open_war_room(bot)
    await grow_to(bot, incident, 10)
    await bot.room.tick()  # checkpoint at entry 10
    await export(bot, incident)
    assert await verify(bot, "INC-1", "--slack") == 0
    out = capsys.readouterr().out
    assert "INC-1: intact" in out and "2 anchors from Slack match" in out
    assert await verify(bot, "--all", "--slack") == 0


async def test_a_cut_tail_is_caught_by_the_export_anchor_not_by_the_chain(
    bot: Harness, capsys: pytest.CaptureFixture[str]
) -> None:
    incident = await open_war_room(bot)
    exported = await export(bot, incident)
    await cut_tail(bot, incident.id, keep=exported - 2)
    assert await verify(bot, "INC-1") == 0  # the chain alone: consistent, head included
    assert "INC-1: intact" in capsys.readouterr().out
    assert await verify(bot, "INC-1", "--slack") == 1
    out = capsys.readouterr().out
    assert "INC-1: NOT intact" in out
    assert re.search(
        rf"anchor: export posted \d{{4}}-\d\d-\d\d \d\d:\d\d UTC in #{incident.channel_name} "
        rf"says INC-1 entry {exported} has hash [0-9a-f]{{16}}…, "
        rf"but the database has no entry {exported}\n",
        out,
    ), out


async def test_a_cut_tail_is_caught_by_a_checkpoint(
    bot: Harness, capsys: pytest.CaptureFixture[str]
) -> None:
    incident = await open_war_room(bot)
    await grow_to(bot, incident, 12)
    await bot.room.tick()
    [checkpoint] = bot.double.messages(CHECKPOINTS)
    assert checkpoint.text.startswith("Record checkpoint: INC-1 entry 10, hash `")
    await cut_tail(bot, incident.id, keep=8)
    assert await verify(bot, "INC-1") == 0
    assert await verify(bot, "INC-1", "--slack") == 1
    out = capsys.readouterr().out
    assert "anchor: checkpoint posted" in out and "in #legal-checkpoints says INC-1 entry 10" in out
    assert "but the database has no entry 10" in out


async def test_an_anchor_typed_by_a_person_proves_nothing(
    bot: Harness, capsys: pytest.CaptureFixture[str]
) -> None:
    incident = await open_war_room(bot)
    forged = checkpoint_text("INC-1", 2, DIGEST)
    bot.double.post_as(MARIA.id, incident.channel_id, forged)
    await settle_all(bot)
    assert await verify(bot, "INC-1", "--slack") == 0
    assert "intact" in capsys.readouterr().out


async def test_a_token_slack_refuses_stops_verify_with_one_line(
    bot: Harness, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    await open_war_room(bot)
    monkeypatch.setenv("SLACK_BOT_TOKEN", "xoxb-revoked")
    assert await verify(bot, "INC-1", "--slack") == 2
    [line] = capsys.readouterr().err.strip().splitlines()
    assert line.startswith("crisisroom: I couldn't check the bot token")
    monkeypatch.delenv("SLACK_BOT_TOKEN")
    assert await verify(bot, "INC-1", "--slack") == 2
    assert "SLACK_BOT_TOKEN is required" in capsys.readouterr().err
    assert main(["verify", "--file", "INC-1-record.jsonl", "--slack"]) == 2
    assert "not a --file" in capsys.readouterr().err

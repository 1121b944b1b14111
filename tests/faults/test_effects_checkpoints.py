"""Record checkpoints and database-trouble DMs whose answer Slack lost are in Slack once
(SQLite and PostgreSQL): the bot finds them by their effect id instead of posting again."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from sqlmodel import select

from app.clock import FakeClock
from app.flows.checkpoints import post_checkpoints
from app.flows.outage import tell_admins
from app.harness import Harness
from app.harness.seed import ALEX
from app.record import checkpoint_claims
from app.record.anchors import checkpoint_text, parse
from app.record.checkpoints import RecordCheckpoint
from app.slack.gateway_reads import effect_metadata
from app.updates.claims import CLAIM_LEASE
from tests.conftest import BACKENDS
from tests.record.scenario import open_war_room
from tests.updates.effects_room import LATE, carrying, effects_bot

CHECKPOINTS = "C0CHECKS"
FAULTS = ["late", "drop"]


def add_checkpoint_channel(harness: Harness) -> None:
    harness.double.add_channel(
        "legal-checkpoints", is_private=True, members=[harness.double.bot_user_id], id=CHECKPOINTS
    )


async def stored_checkpoints(harness: Harness) -> list[RecordCheckpoint]:
    async with harness.db() as session:
        return list((await session.exec(select(RecordCheckpoint))).all())


@pytest.mark.parametrize("backend", BACKENDS)
@pytest.mark.parametrize("fault", FAULTS)
async def test_a_checkpoint_whose_answer_is_lost_is_posted_once(
    backend: str, fault: str, tmp_path: Path, clock: FakeClock
) -> None:
    options = {"CRISIS_CHECKPOINT_CHANNEL": CHECKPOINTS, "CRISIS_CHECKPOINT_EVERY": 1000}
    async with effects_bot(backend, tmp_path, clock, **options) as (harness, room):
        add_checkpoint_channel(harness)
        incident = await open_war_room(harness)
        clock.advance(timedelta(hours=1))  # an hourly checkpoint is owed
        late = {"delay": LATE} if fault == "late" else {}
        harness.double.fault("chat.postMessage", fault, times=1, **late)  # type: ignore[arg-type]
        for _ in range(3):
            await post_checkpoints(room.deps)
            clock.advance(timedelta(seconds=5))
        [message] = harness.double.messages(CHECKPOINTS)
        [anchor] = parse(message.text)
        assert anchor.incident_id == incident.id
        assert carrying([message], f"checkpoint:{incident.ref}:{anchor.seq}") == [message]
        [row] = await stored_checkpoints(harness)
        assert row.posted_at is not None and row.ts == message.ts and row.attempts == 0


@pytest.mark.parametrize("backend", BACKENDS)
@pytest.mark.parametrize("slack_had_it", [True, False], ids=["slack-had-it", "slack-did-not"])
async def test_a_checkpoint_whose_poster_died_is_taken_back_and_not_doubled(
    backend: str, slack_had_it: bool, tmp_path: Path, clock: FakeClock
) -> None:
    options = {"CRISIS_CHECKPOINT_CHANNEL": CHECKPOINTS, "CRISIS_CHECKPOINT_EVERY": 1000}
    async with effects_bot(backend, tmp_path, clock, **options) as (harness, room):
        add_checkpoint_channel(harness)
        incident = await open_war_room(harness)
        assert incident.id is not None
        clock.advance(timedelta(hours=1))
        async with harness.db.begin() as session:
            claimed = await checkpoint_claims.claim(
                session, incident_id=incident.id, every=1000, now=clock.now(), token="dead"
            )
        assert claimed is not None
        effect = f"checkpoint:{claimed.ref}:{claimed.seq}"
        if slack_had_it:
            text = checkpoint_text(claimed.ref, claimed.seq, claimed.hash)
            await room.deps.slack.post(CHECKPOINTS, text=text, metadata=effect_metadata(effect))
        clock.advance(CLAIM_LEASE + timedelta(seconds=1))
        await post_checkpoints(room.deps)
        [message] = carrying(harness.double.messages(CHECKPOINTS), effect)
        [row] = [r for r in await stored_checkpoints(harness) if r.seq == claimed.seq]
        assert row.posted_at is not None and row.ts == message.ts


@pytest.mark.parametrize("backend", BACKENDS)
@pytest.mark.parametrize("fault", FAULTS)
async def test_a_database_trouble_dm_whose_answer_is_lost_is_sent_once(
    backend: str, fault: str, tmp_path: Path, clock: FakeClock
) -> None:
    async with effects_bot(backend, tmp_path, clock, admins=[ALEX.id]) as (harness, room):
        late = {"delay": LATE} if fault == "late" else {}
        harness.double.fault("chat.postMessage", fault, times=1, **late)  # type: ignore[arg-type]
        await tell_admins(room.deps, "the database is full", "E1")
        told = [m for m in harness.double.dms(ALEX.id) if "cannot save" in m.text]
        assert carrying(told, f"outage:E1:{ALEX.id}") == told and len(told) == 1
        assert [c.fault for c in harness.double.calls_to("chat.postMessage")] == [fault]


@pytest.mark.parametrize("backend", BACKENDS)
async def test_a_database_trouble_dm_slack_never_got_is_sent_on_the_retry(
    backend: str, tmp_path: Path, clock: FakeClock
) -> None:
    async with effects_bot(backend, tmp_path, clock, admins=[ALEX.id]) as (harness, room):
        harness.double.fault("chat.postMessage", "hang", times=1)  # no work, no answer
        await tell_admins(room.deps, "the database is full", "E2")
        told = [m for m in harness.double.dms(ALEX.id) if "cannot save" in m.text]
        assert carrying(told, f"outage:E2:{ALEX.id}") == told and len(told) == 1
        assert [c.fault for c in harness.double.calls_to("chat.postMessage")] == ["hang", None]

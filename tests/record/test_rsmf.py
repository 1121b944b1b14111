"""RSMF 2.0 production: schema-valid manifests, one file per UTC day, split at the event limit,
edits, deletions, threads, reactions, joins and byte-identical attachments."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

from jsonschema import Draft7Validator

from app.clock import FakeClock
from app.record.append import store_file
from app.record.drafts import Draft, delete_draft, edit_draft, ts_time
from app.record.export.rsmf import export_rsmf
from app.record.export.rsmf_pack import unpack
from app.record.models import EntryKind
from app.record.reactions import reaction_draft
from app.store.engine import SessionFactory
from tests.record.helpers import CHANNEL, add, draft_of, message, new_incident

SCHEMA = json.loads((Path(__file__).parents[1] / "data/rsmf/rsmf_schema_2_0_0.json").read_text())
DAY1, DAY2 = "1795269600", "1795356000"  # 2026-11-21 and 2026-11-22, 14:00 UTC
PDF = b"%PDF-1.4 statement draft \x00\xff bytes"


def file_post(ts: str) -> Draft:
    digest = hashlib.sha256(PDF).hexdigest()
    meta = {"id": "F1", "name": "statement v2.pdf", "size": len(PDF), "sha256": digest}
    said = message(ts, "the draft", files=[meta])
    said["files"][0]["stored"] = True
    return Draft(
        kind=EntryKind.FILE,
        dedupe_key=f"post:{CHANNEL}:{ts}",
        occurred_at=ts_time(ts),
        content={"message": {**said, "files": [{**meta, "stored": True}]}},
        channel_id=CHANNEL,
        ts=ts,
        user_id="U0MARIA",
        user_name="Maria Rodriguez",
    )


async def two_day_record(db: SessionFactory, clock: FakeClock) -> int:
    incident = await new_incident(db, clock)
    assert incident.id is not None
    first, reply, gone = f"{DAY1}.000100", f"{DAY1}.000200", f"{DAY2}.000300"
    joined = message(f"{DAY1}.000050", "<@U0LISA> has joined", user="U0LISA")
    drafts = [
        draft_of({**joined, "subtype": "channel_join"}),
        draft_of(message(first, "We *apologise* <@U0DAVID>")).named("Maria Rodriguez"),
        draft_of(message(reply, "no admissions", user="U0DAVID", thread_ts=first)),
        edit_draft(
            message(first, "We regret", edited={"user": "U0MARIA", "ts": f"{DAY1}.000900"}),
            message(first, "We *apologise* <@U0DAVID>"),
            CHANNEL,
        ),
        file_post(f"{DAY1}.000400"),
        draft_of(message(gone, "delete me", user="U0ROBERT")),
        delete_draft(gone, message(gone, "delete me", user="U0ROBERT"), CHANNEL, at=f"{DAY2}.5"),
        draft_of(message(f"{DAY2}.000600", "late reply", user="U0DAVID", thread_ts=first)),
    ]
    for item in drafts:
        await add(db, incident.id, item, clock)
    for kind, at in (
        ("reaction_added", "1.1"),
        ("reaction_removed", "1.2"),
        ("reaction_added", "1.3"),
    ):
        event = {
            "type": kind,
            "user": "U0ROBERT" if at != "1.3" else "U0LISA",
            "reaction": "thumbsup",
            "item_user": "U0MARIA",
            "item": {"type": "message", "channel": CHANNEL, "ts": first},
            "event_ts": f"{DAY1}.00{at.replace('.', '')}",
        }
        reacted = reaction_draft(event)
        assert reacted is not None
        await add(db, incident.id, reacted, clock)
    async with db.begin() as session:
        conn = await session.connection()
        await conn.run_sync(store_file, hashlib.sha256(PDF).hexdigest(), PDF)
    return incident.id


async def produce(db: SessionFactory, incident_id: int, **options: Any) -> dict[str, bytes]:
    written: dict[str, bytes] = {}
    await export_rsmf(db, incident_id, written.__setitem__, now=FakeClock().now(), **options)
    return written


def valid(manifest: dict[str, Any]) -> None:
    errors = [e.message for e in Draft7Validator(SCHEMA).iter_errors(manifest)]
    assert errors == []
    people = {p["id"] for p in manifest["participants"]}
    assert {e["participant"] for e in manifest["events"]} <= people


async def test_one_schema_valid_file_per_utc_day(db: SessionFactory, clock: FakeClock) -> None:
    incident_id = await two_day_record(db, clock)
    written = await produce(db, incident_id)
    assert sorted(written) == ["INC-1-2026-11-21.rsmf", "INC-1-2026-11-22.rsmf"]
    message1, day1, _files = unpack(written["INC-1-2026-11-21.rsmf"])
    _, day2, _ = unpack(written["INC-1-2026-11-22.rsmf"])
    for manifest in (day1, day2):
        valid(manifest)
        assert manifest["conversations"][0]["type"] == "channel"
        assert manifest["conversations"][0]["platform"] == "slack"
    assert message1["X-RSMF-Version"] == "2.0.0"
    assert message1["X-RSMF-EventCount"] == str(len(day1["events"]))
    assert message1["X-RSMF-BeginDate"].startswith("2026-11-21T14:00:00")
    assert message1["X-RSMF-AttachmentCount"] == "1"
    assert "Maria Rodriguez" in message1["X-RSMF-Participants"]
    assert all(e["timestamp"].startswith("2026-11-22") for e in day2["events"])


async def test_edits_threads_reactions_joins_and_files(
    db: SessionFactory, clock: FakeClock
) -> None:
    incident_id = await two_day_record(db, clock)
    _, day1, files = unpack((await produce(db, incident_id))["INC-1-2026-11-21.rsmf"])
    events = {e["id"]: e for e in day1["events"]}
    first = events[f"{DAY1}.000100"]
    assert first["body"] == "We regret"
    [edit] = first["edits"]
    assert edit["participant"] == "U0MARIA" and edit["new"] == "We regret"
    assert edit["timestamp"] == "2026-11-21T14:00:00.000900Z"
    assert "apologise" in edit["previous"] and "@U0DAVID" in edit["previous"]
    assert events[f"{DAY1}.000200"]["parent"] == first["id"]
    assert first["reactions"] == [{"value": "thumbsup", "count": 1, "participants": ["U0LISA"]}]
    log = [c["value"] for c in first["custom"] if c["name"] == "Reaction"]
    assert len(log) == 3 and "removed by U0ROBERT" in log[1]
    assert events[f"{DAY1}.000050"]["type"] == "join"
    [attachment] = events[f"{DAY1}.000400"]["attachments"]
    assert attachment["display"] == "statement v2.pdf" and attachment["size"] == len(PDF)
    assert files[attachment["id"]] == PDF  # byte-identical to the record's copy


async def test_deletions_and_a_reply_to_another_day(db: SessionFactory, clock: FakeClock) -> None:
    incident_id = await two_day_record(db, clock)
    _, day2, _ = unpack((await produce(db, incident_id))["INC-1-2026-11-22.rsmf"])
    events = {e["id"]: e for e in day2["events"]}
    gone = events[f"{DAY2}.000300"]
    assert gone["deleted"] is True and gone["body"] == "delete me"
    assert any(c["name"] == "Deleted" for c in gone["custom"])
    late = events[f"{DAY2}.000600"]
    assert "parent" not in late  # its parent is in the first day's file
    assert any(c["name"] == "In reply to" for c in late["custom"])


async def test_split_at_the_event_limit(db: SessionFactory, clock: FakeClock) -> None:
    incident_id = await two_day_record(db, clock)
    written = await produce(db, incident_id, limit=2)
    day1 = sorted(name for name in written if "2026-11-21" in name)
    assert day1 == [
        "INC-1-2026-11-21-part1.rsmf",
        "INC-1-2026-11-21-part2.rsmf",
        "INC-1-2026-11-21-part3.rsmf",
    ]
    counts = []
    for name in day1:
        message, manifest, _ = unpack(written[name])
        valid(manifest)
        counts.append(len(manifest["events"]))
        assert message["X-RSMF-EventCollectionID"] == f"INC-1-{CHANNEL}"
    assert counts == [2, 2, 1]


async def test_the_same_record_gives_the_same_bytes(db: SessionFactory, clock: FakeClock) -> None:
    incident_id = await two_day_record(db, clock)
    assert await produce(db, incident_id) == await produce(db, incident_id)

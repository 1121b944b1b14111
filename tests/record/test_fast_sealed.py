"""Verify's one-pass path seals stored rows byte for byte as the chain always has (both backends).

Verify and the exports read each entry as the driver returns it (`queries.stored_query`: a
tuple, SQLite's times as its own text, PostgreSQL's as datetimes) and build its sealed text in
one f-string (`stored.stored_text`). Here every row of the odd-unicode corpus of
tests/record/test_canonical_identity.py, stored for real, is sealed that way and by
`reference_sealed_text` (the implementation kept there verbatim) from the row as the column
types read it; times with and without microseconds, in any zone. Then times SQLite holds in
another spelling, as a hand-edited database might.
"""

from __future__ import annotations

import hashlib
import random
from datetime import UTC, datetime, timedelta, timezone
from typing import Any

from sqlalchemy import text

from app.clock import FakeClock
from app.record import queries
from app.record.append import ENTRY, HEAD, lock_head
from app.record.chain import canonical, timestamp
from app.record.sanitize import clean_row
from app.record.stored import STORED_FIELDS, stored_fields, stored_text, stored_time
from app.record.verify import verify_incident
from app.record.walk import Walk, check
from app.store.engine import SessionFactory
from tests.record.helpers import new_incident
from tests.record.test_canonical_identity import maybe, moment, reference_sealed_text, value
from tests.record.test_canonical_identity import text as odd_text
from tests.record.test_tamper import lift_guards

LENGTHS = {"channel_id": 32, "ts": 32, "thread_ts": 32, "user_id": 32, "user_name": 200}
LENGTHS |= {"event_id": 64, "client_msg_id": 64, "dedupe_key": 200, "kind": 16}


def entry(rng: random.Random, incident_id: int, seq: int, prev: str) -> dict[str, Any]:
    """A row as `build_row` stores it, from the corpus's odd values (cut to column lengths)."""
    occurred, recorded = moment(rng), moment(rng)
    if seq % 3 == 0:  # a third of the times on the second exactly
        occurred, recorded = occurred.replace(microsecond=0), recorded.replace(microsecond=0)
    row: dict[str, Any] = {
        "incident_id": incident_id,
        "seq": seq,
        "kind": rng.choice(["message", "edit", "delete", "action", "file", "reaction_added"]),
        "dedupe_key": f"key:{seq}:{odd_text(rng)}",
        "channel_id": maybe(rng, lambda: "C" + odd_text(rng)),
        "ts": maybe(rng, lambda: f"{rng.randrange(10**10)}.{rng.randrange(10**6):06d}"),
        "thread_ts": maybe(rng, lambda: f"{rng.randrange(10**10)}.000100"),
        "user_id": maybe(rng, lambda: "U" + odd_text(rng)),
        "user_name": maybe(rng, lambda: odd_text(rng)),
        "event_id": maybe(rng, lambda: "Ev" + odd_text(rng)),
        "client_msg_id": maybe(rng, lambda: odd_text(rng)),
        "occurred_at": occurred,
        "recorded_at": recorded,
        "recovered": rng.choice([True, False]),
        "content": {"message": {"text": odd_text(rng), "blocks": value(rng)}, "x": value(rng)},
        "prev_hash": prev,
    }
    row = clean_row(row)
    for name, length in LENGTHS.items():
        if isinstance(row[name], str):
            row[name] = row[name][:length]
    row["content"] = canonical(row["content"])
    row["hash"] = hashlib.sha256(reference_sealed_text(row).encode("utf-8")).hexdigest()
    return row


async def stored_corpus(db: SessionFactory, clock: FakeClock, size: int) -> int:
    """An incident whose record goes on with `size` corpus rows, the head moved to the last."""
    incident = await new_incident(db, clock)
    rng = random.Random(20251121)
    async with db.begin() as session:
        conn = await session.connection()
        seq, prev = await conn.run_sync(lock_head, incident.id)
        for _ in range(size):
            row = entry(rng, int(incident.id or 0), seq + 1, prev)
            await conn.execute(ENTRY.insert(), [row])
            seq, prev = row["seq"], row["hash"]
        head = HEAD.update().where(HEAD.c.incident_id == incident.id)
        await conn.execute(head.values(seq=seq, hash=prev))
    return int(incident.id or 0)


async def both_readings(db: SessionFactory, incident_id: int) -> list[tuple[Any, dict[str, Any]]]:
    """Each entry as verify reads it now (stored values) and as the column types read it."""
    async with db() as session:
        conn = await session.connection()
        stored = (await conn.execute(queries.stored_query(incident_id))).all()
        typed = (await conn.execute(queries.entries_query(incident_id))).all()
    return [(values, dict(row._mapping)) for values, row in zip(stored, typed, strict=True)]


async def test_stored_rows_seal_as_the_reference_on_both_backends(
    db: SessionFactory, clock: FakeClock
) -> None:
    incident_id = await stored_corpus(db, clock, 400)
    readings = await both_readings(db, incident_id)
    assert len(readings) > 400
    assert any(row["occurred_at"].microsecond == 0 for _, row in readings)
    walk = Walk()
    for values, row in readings:
        occurred, recorded = stored_time(values[11]), stored_time(values[12])
        assert occurred == timestamp(row["occurred_at"])
        assert recorded == timestamp(row["recorded_at"])
        fast = stored_text(values, occurred, recorded)
        assert fast.encode("utf-8") == reference_sealed_text(row).encode("utf-8"), row["seq"]
        assert walk.feed_stored(values) and walk.text == fast
        assert stored_fields(values) == {name: row[name] for name in STORED_FIELDS}
    assert walk.verdict() == check(row for _, row in readings)
    report = await verify_incident(db, incident_id)
    assert report.intact and report.verdict.entries == len(readings)


async def test_names_are_the_latest_each_person_stored_in_the_order_first_named(
    db: SessionFactory, clock: FakeClock
) -> None:
    incident_id = await stored_corpus(db, clock, 400)
    expected, named = {}, 0
    for _, row in await both_readings(db, incident_id):  # (as `names` read them, row by row)
        if row["user_id"] and row["user_name"] is not None:
            expected[row["user_id"]], named = row["user_name"], named + 1
    async with db() as session:
        found = await (await session.connection()).run_sync(queries.names, incident_id)
    assert list(found.items()) == list(expected.items())
    assert named > len(expected) > 10  # some people are named more than once


SPELLINGS = [
    "substr(occurred_at, 1, 19)",  # no microseconds (rows whose time is on the second)
    "replace(occurred_at, ' ', 'T')",
    "occurred_at || '+00:00'",
    "replace(occurred_at, ' ', 'T') || 'Z'",
]


async def test_other_spellings_of_a_sqlite_time_read_as_the_column_type_reads_them(
    db: SessionFactory, clock: FakeClock
) -> None:
    incident_id = await stored_corpus(db, clock, 60)
    async with db.begin() as session:
        conn = await session.connection()
        if conn.dialect.name != "sqlite":
            return  # PostgreSQL keeps a timestamptz, never text
        await lift_guards(conn)
        for number, spelling in enumerate(SPELLINGS):
            where = f"incident_id = :i AND seq % 4 = {number}"
            if number == 0:
                where += " AND substr(occurred_at, 21) = '000000'"
            await conn.execute(
                text(f"UPDATE record_entry SET occurred_at = {spelling} WHERE {where}"),
                {"i": incident_id},
            )
    readings = await both_readings(db, incident_id)
    assert {len(values[11]) for values, _ in readings} >= {19, 26, 27, 32}
    for values, row in readings:
        fast = stored_text(values, stored_time(values[11]), stored_time(values[12]))
        assert fast == reference_sealed_text(row)
    assert (await verify_incident(db, incident_id)).intact


async def test_a_stored_time_that_is_no_time_is_named_not_a_crash(
    db: SessionFactory, clock: FakeClock
) -> None:
    incident_id = await stored_corpus(db, clock, 5)
    async with db.begin() as session:
        conn = await session.connection()
        if conn.dialect.name != "sqlite":
            return
        await lift_guards(conn)
        await conn.execute(
            text("UPDATE record_entry SET occurred_at = 'soon' WHERE incident_id = :i AND seq = 3"),
            {"i": incident_id},
        )
    report = await verify_incident(db, incident_id)
    assert not report.intact and report.verdict.entries == 2
    assert " at soon): its stored fields do not match its hash" in report.describe()


def test_unusual_values_fall_back_to_the_reference_path() -> None:
    moment_ = datetime(2025, 11, 21, 14, 0, tzinfo=UTC)
    base: dict[str, Any] = dict.fromkeys(STORED_FIELDS) | {
        "incident_id": 1,
        "seq": 1,
        "kind": "message",
        "dedupe_key": "k",
        "occurred_at": "2025-11-21 14:00:00.000000",
        "recorded_at": moment_ + timedelta(hours=1),
        "recovered": 1,
        "content": "{}",
        "prev_hash": "0" * 64,
    }
    odd = [{"seq": "1"}, {"user_id": 7}, {"kind": None}, {"content": None}, {"ts": True}]
    odd += [{"recorded_at": moment_.astimezone(timezone(timedelta(hours=5)))}, {"occurred_at": 5}]
    for change in odd:
        fields = base | change
        values = tuple(fields[name] for name in STORED_FIELDS)
        spelled = stored_time(values[11]), stored_time(values[12])
        assert stored_text(values, *spelled) == reference_sealed_text(stored_fields(values))

"""The asynchronous work behind `crisisroom verify` and `crisisroom export`."""

from __future__ import annotations

import sys
from pathlib import Path

from sqlalchemy import select

from app.clock import SystemClock
from app.errors import NotFound, SlackFailure
from app.incidents.models import Incident
from app.record.export.run import export_record
from app.record.verify import verify_incident
from app.settings import Settings
from app.store.engine import SessionFactory, make_engine, make_session_factory

SHOW_PROGRESS_FROM = 10_000


class Progress:
    """Progress on stderr for long runs: a live line on a terminal, a line a quarter otherwise."""

    def __init__(self, label: str) -> None:
        self.label = label
        self.live = sys.stderr.isatty()
        self.shown = -1

    def __call__(self, done: int, total: int) -> None:
        if total < SHOW_PROGRESS_FROM:
            return
        percent = done * 100 // max(total, 1)
        if self.live:
            print(
                f"\r{self.label}: {done:,} of {total:,} entries ({percent}%)",
                end="",
                file=sys.stderr,
            )
            if done >= total:
                print(file=sys.stderr)
        elif percent // 25 > self.shown:
            self.shown = percent // 25
            print(f"{self.label}: {done:,} of {total:,} entries ({percent}%)", file=sys.stderr)


async def run_verify_one(url: str, incident_id: int) -> int:
    engine = make_engine(url)
    try:
        db = make_session_factory(engine)
        await _require(db, incident_id)
        report = await verify_incident(db, incident_id, progress=Progress(f"INC-{incident_id}"))
    finally:
        await engine.dispose()
    print(report.describe())
    return 0 if report.intact else 1


async def run_verify_all(url: str) -> int:
    engine = make_engine(url)
    intact = True
    try:
        db = make_session_factory(engine)
        async with db() as session:
            conn = await session.connection()
            table = Incident.__table__  # type: ignore[attr-defined]
            ids = list((await conn.execute(select(table.c.id).order_by(table.c.id))).scalars())
        for incident_id in ids:
            report = await verify_incident(db, incident_id, progress=Progress(f"INC-{incident_id}"))
            print(report.describe())
            intact = intact and report.intact
    finally:
        await engine.dispose()
    if not ids:
        print("no incidents yet: nothing to verify")
    return 0 if intact else 1


async def run_export(
    url: str, incident_id: int, fmt: str, out: Path, *, tz: str, settings: Settings | None
) -> int:
    engine = make_engine(url)
    try:
        db = make_session_factory(engine)
        await _require(db, incident_id)
        if settings is not None:
            await _catch_up(settings, db, incident_id)
        with out.open("w", encoding="utf-8", newline="") as handle:
            result = await export_record(
                db,
                incident_id,
                fmt,
                handle,
                now=SystemClock().now(),
                tz=tz,
                progress=Progress(f"INC-{incident_id}"),
            )
    finally:
        await engine.dispose()
    print(
        f"wrote {out} ({result.entries:,} entries, final hash {result.final_hash})", file=sys.stderr
    )
    if not result.intact:
        print(f"WARNING: the chain does not verify: {result.integrity}", file=sys.stderr)
        return 1
    return 0


async def _require(db: SessionFactory, incident_id: int) -> Incident:
    async with db() as session:
        incident = await session.get(Incident, incident_id)
    if incident is None:
        raise NotFound(f"there is no incident INC-{incident_id}")
    return incident


async def _catch_up(settings: Settings, db: SessionFactory, incident_id: int) -> None:
    """Store what Slack has and the record lacks, as the bot would before exporting."""
    from app.main import create_app
    from app.record.reconcile import reconcile_incident

    room = create_app(settings, session_factory=db)
    incident = await _require(db, incident_id)
    try:
        recovered = await reconcile_incident(room.deps, incident)
    except SlackFailure as failure:
        print(
            f"could not catch up with Slack ({failure.message}); exporting what is stored",
            file=sys.stderr,
        )
        return
    if recovered:
        print(f"recovered {recovered} entries from Slack first", file=sys.stderr)

"""The asynchronous work behind `crisisroom verify` and `crisisroom export`."""

from __future__ import annotations

import sys
from pathlib import Path

from sqlmodel import col, select

from app.clock import SystemClock
from app.errors import NotFound, SlackFailure
from app.flows.anchors import read_anchors
from app.incidents.models import Incident
from app.record.anchors import Anchor
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


async def run_verify_one(url: str, incident_id: int, *, settings: Settings | None = None) -> int:
    """Verify one incident; with `settings`, against the anchors in Slack too."""
    engine = make_engine(url)
    try:
        db = make_session_factory(engine)
        incident = await _require(db, incident_id)
        anchors = await _anchors(settings, db, [incident])
        report = await verify_incident(
            db, incident_id, progress=Progress(incident.ref), anchors=anchors
        )
    finally:
        await engine.dispose()
    print(report.describe())
    return 0 if report.intact else 1


async def run_verify_all(url: str, *, settings: Settings | None = None) -> int:
    engine = make_engine(url)
    intact = True
    try:
        db = make_session_factory(engine)
        async with db() as session:
            query = select(Incident).order_by(col(Incident.id))
            incidents = list((await session.exec(query)).all())
        anchors = await _anchors(settings, db, incidents)
        for incident in incidents:
            assert incident.id is not None
            report = await verify_incident(
                db, incident.id, progress=Progress(incident.ref), anchors=anchors
            )
            print(report.describe())
            intact = intact and report.intact
    finally:
        await engine.dispose()
    known = {incident.id for incident in incidents}
    for anchor in (anchor for anchor in anchors if anchor.incident_id not in known):
        print(f"anchor: {anchor.describe()}, but the database has no incident {anchor.ref}")
        intact = False
    if not incidents:
        print("no incidents yet: nothing to verify")
    return 0 if intact else 1


async def _anchors(
    settings: Settings | None, db: SessionFactory, incidents: list[Incident]
) -> list[Anchor]:
    """The anchors the bot posted in Slack (none without settings: the chain alone)."""
    if settings is None:
        return []
    from app.main import create_app

    room = create_app(settings, session_factory=db)
    anchors = await read_anchors(room.deps, incidents)
    print(f"read {len(anchors)} anchors from Slack", file=sys.stderr)
    return anchors


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
    from app.flows.reconcile import reconcile_incident
    from app.main import create_app

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

"""The asynchronous work behind `crisisroom verify` and `crisisroom export`."""

from __future__ import annotations

import sys
from dataclasses import asdict, dataclass
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from typing import NoReturn

from sqlalchemy import or_
from sqlmodel import col, select
from sqlmodel.sql.expression import SelectOfScalar
from tqdm import tqdm

from app.clock import SystemClock
from app.errors import NotFound, SlackFailure
from app.flows.anchors import read_anchors
from app.flows.record_export import record_custody
from app.incidents.models import Incident
from app.record.anchors import Anchor
from app.record.append import ENTRY
from app.record.export.manifest import (
    Exported,
    describe,
    manifest_path,
    production,
)
from app.record.export.manifest import write as write_manifest
from app.record.export.rsmf import export_rsmf
from app.record.export.run import ExportResult, export_record
from app.record.hook import install_record_hook
from app.record.verify import verify_incident
from app.settings import Settings
from app.store.engine import SessionFactory, make_engine, make_session_factory

SHOW_PROGRESS_FROM = 10_000


@dataclass(frozen=True)
class Period:
    """`--all --since D --until D`: incidents opened by the end of `until` that were opened, or
    had anything recorded, on or after `since` (UTC days, both included; either may be open)."""

    since: date | None = None
    until: date | None = None

    def query(self) -> SelectOfScalar[Incident]:
        query = select(Incident).order_by(col(Incident.id))
        if self.until is not None:
            end = datetime.combine(self.until + timedelta(days=1), time(), UTC)
            query = query.where(col(Incident.opened_at) < end)
        if self.since is not None:
            start = datetime.combine(self.since, time(), UTC)
            active = select(ENTRY.c.incident_id).where(ENTRY.c.occurred_at >= start)
            query = query.where(or_(col(Incident.opened_at) >= start, col(Incident.id).in_(active)))
        return query

    def scope(self) -> dict[str, str | None]:
        return {
            "since": self.since.isoformat() if self.since else None,
            "until": self.until.isoformat() if self.until else None,
        }

    def describe(self) -> str:
        since, until = self.scope().values()
        return f"from {since or 'the start'} to {until or 'now'}"


class Progress:
    """Progress on stderr for long runs (a tqdm bar), quiet when stderr is not a terminal."""

    def __init__(self, label: str) -> None:
        self.label = label
        self.bar: tqdm[NoReturn] | None = None

    def __call__(self, done: int, total: int) -> None:
        if total < SHOW_PROGRESS_FROM:
            return
        bar = self.bar
        if bar is None:
            bar = tqdm(total=total, desc=self.label, unit=" entries", file=sys.stderr, disable=None)
            self.bar = bar
        bar.total = max(total, done)
        bar.update(done - bar.n)
        if done >= total:
            bar.close()


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
    url: str,
    incidents: Period | int,
    fmt: str,
    out: Path,
    *,
    tz: str,
    settings: Settings | None,
    by: str,
) -> int:
    """Export one incident (or every incident of a period, each into `out/`), write the
    production manifest beside `out` and note each export in its record (custody)."""
    engine = make_engine(url)
    now = SystemClock().now()
    try:
        db = make_session_factory(engine)
        install_record_hook(db)  # the custody entry is an audit row, copied to the record
        chosen = await _chosen(db, incidents)
        parts: list[tuple[Exported, ExportResult]] = []
        for incident in chosen:
            assert incident.id is not None
            if settings is not None:
                await _catch_up(settings, db, incident.id)
            target = out if isinstance(incidents, int) else out / _name(incident.ref, fmt)
            parts.append(await _export_one(db, incident, fmt, target, out.parent, tz=tz, now=now))
        scope: dict[str, str | None] = (
            {"incident": chosen[0].ref} if isinstance(incidents, int) else incidents.scope()
        )
        await _produce(db, parts, fmt, out, by=by, now=now, scope=scope)
    finally:
        await engine.dispose()
    return 0 if all(result.intact for _, result in parts) else 1


async def _produce(
    db: SessionFactory,
    parts: list[tuple[Exported, ExportResult]],
    fmt: str,
    out: Path,
    *,
    by: str,
    now: datetime,
    scope: dict[str, str | None],
) -> None:
    """The production manifest beside `out`, then one custody entry per incident."""
    exported = [part for part, _ in parts]
    found = production(exported, fmt=fmt, exported_by=by, exported_at=now, scope=scope)
    written = write_manifest(manifest_path(out), found)
    for part, result in parts:
        await record_custody(
            db,
            at=now,
            by=by,
            result=result,
            files=part.files,
            via="crisisroom export",
            manifest=asdict(written),
        )
    print(f"wrote {manifest_path(out)} (production manifest)", file=sys.stderr)


def _name(ref: str, fmt: str) -> str:
    return f"{ref}-rsmf" if fmt == "rsmf" else f"{ref}-record.{fmt}"


async def _export_one(
    db: SessionFactory,
    incident: Incident,
    fmt: str,
    out: Path,
    base: Path,
    *,
    tz: str,
    now: datetime,
) -> tuple[Exported, ExportResult]:
    assert incident.id is not None
    progress = Progress(incident.ref)
    if fmt == "rsmf":
        out.mkdir(parents=True, exist_ok=True)
        names: list[str] = []

        def write(name: str, data: bytes) -> None:
            (out / name).write_bytes(data)
            names.append(name)

        result = await export_rsmf(db, incident.id, write, now=now, progress=progress)
        files = [describe(out / name, base) for name in names]
    else:
        out.parent.mkdir(parents=True, exist_ok=True)
        with out.open("w", encoding="utf-8", newline="") as handle:
            result = await export_record(
                db, incident.id, fmt, handle, now=now, tz=tz, progress=progress
            )
        files = [describe(out, base)]
    print(
        f"wrote {out} ({result.entries:,} entries, final hash {result.final_hash})", file=sys.stderr
    )
    if not result.intact:
        print(f"WARNING: the chain does not verify: {result.integrity}", file=sys.stderr)
    part = Exported(
        incident.ref,
        incident.title,
        result.entries,
        result.final_hash,
        result.intact,
        result.integrity,
        files,
    )
    return part, result


async def _chosen(db: SessionFactory, incidents: Period | int) -> list[Incident]:
    if isinstance(incidents, int):
        return [await _require(db, incidents)]
    async with db() as session:
        found = list((await session.exec(incidents.query())).all())
    if not found:
        raise NotFound(f"no incident was open or active {incidents.describe()}")
    return found


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

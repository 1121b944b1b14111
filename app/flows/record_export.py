"""Exporting a record into its war room: catch up with Slack, render, upload, record it."""

from __future__ import annotations

import io
import logging
from collections.abc import Sequence
from dataclasses import asdict, replace
from datetime import datetime
from pathlib import Path
from typing import Any

from app.audit.service import audit
from app.errors import NotFound, SlackFailure
from app.flows.deps import Deps
from app.flows.reconcile import reconcile_incident
from app.flows.record_ingest import name_of
from app.incidents import service as incidents
from app.incidents.models import Incident
from app.record import queries
from app.record.anchors import AnchorKind, anchor_text
from app.record.export.formats import LABELS, MEDIA_TYPES
from app.record.export.manifest import (
    Exported,
    Produced,
    describe_bytes,
    encode,
    manifest_path,
    production,
)
from app.record.export.run import ExportResult, export_record
from app.slack.gateway import Upload
from app.store.engine import SessionFactory

logger = logging.getLogger(__name__)
ACTOR_MAX = 32  # audit_entry.actor


async def export_to_channel(
    deps: Deps, incident_id: int, *, by: str, fmt: str = "html"
) -> ExportResult:
    """Upload the incident's record to its channel with the chain's final hash, and note the
    export in the record. `/crisis export` and the final export at resolve both come here."""
    async with deps.db() as session:
        incident = await incidents.get(session, incident_id)
    if incident is None:
        raise NotFound(f"There is no incident INC-{incident_id}.")
    await _catch_up(deps, incident)
    now = deps.clock.now()
    buffer = io.StringIO()
    names = await unnamed(deps, incident)
    result = await export_record(deps.db, incident_id, fmt, buffer, now=now, known_names=names)
    document = buffer.getvalue().encode("utf-8")
    produced = describe_bytes(result.filename, document)
    manifest = _manifest(incident, result, produced, by=by, now=now)
    file_id, manifest_id = await _upload(deps, incident, document, manifest, result, by=by)
    described = asdict(describe_bytes(_manifest_name(result), manifest))
    await record_custody(
        deps.db,
        at=now,
        by=by,
        result=result,
        files=[produced],
        file_id=file_id,
        manifest={**described, "file_id": manifest_id},
    )
    return replace(result, file_id=file_id)


async def _catch_up(deps: Deps, incident: Incident) -> None:
    """Store what Slack has and the record lacks; export what is stored if that fails."""
    try:
        await reconcile_incident(deps, incident)
    except SlackFailure as failure:
        logger.warning("exporting %s without reconciling: %s", incident.ref, failure.message)
    except Exception:
        logger.exception("exporting %s without reconciling: reconcile failed", incident.ref)


async def record_custody(
    db: SessionFactory,
    *,
    at: datetime,
    by: str,
    result: ExportResult,
    files: Sequence[Produced],
    **detail: Any,
) -> None:
    """Note in the record that it left the system: who, when, the entries and head hash it
    covered and the digests of every file produced (the custody entry). `/crisis export`,
    resolve's final export and `crisisroom export` all come here."""
    async with db.begin() as session:
        audit(
            session,
            at=at,
            actor=by[:ACTOR_MAX],
            action="record.export",
            incident_id=result.incident_id,
            format=result.fmt,
            media_type=MEDIA_TYPES[result.fmt],
            entries=result.entries,
            final_hash=result.final_hash,
            intact=result.intact,
            files=[asdict(file) for file in files],
            **detail,
        )


def _manifest(
    incident: Incident, result: ExportResult, document: Produced, *, by: str, now: datetime
) -> bytes:
    """The production manifest uploaded beside the document, as `crisisroom export` writes it."""
    part = Exported(
        result.ref,
        incident.title,
        result.entries,
        result.final_hash,
        result.intact,
        result.integrity,
        [document],
    )
    scope = {"incident": result.ref}
    return encode(production([part], fmt=result.fmt, exported_by=by, exported_at=now, scope=scope))


def _manifest_name(result: ExportResult) -> str:
    return manifest_path(Path(result.filename)).name


async def _upload(
    deps: Deps,
    incident: Incident,
    document: bytes,
    manifest: bytes,
    result: ExportResult,
    *,
    by: str,
) -> tuple[str | None, str | None]:
    """One files.upload v2 into the war room: the document and its production manifest, the
    final hash in the message that shares them. The two files' ids."""
    label = f"Legal record of {incident.ref} ({LABELS[result.fmt]})"
    file_id, manifest_id = await deps.slack.upload(
        incident.channel_id,
        files=[
            Upload(content=document, filename=result.filename, title=label),
            Upload(
                content=manifest,
                filename=_manifest_name(result),
                title=f"{label}: production manifest",
            ),
        ],
        comment=hash_message(result, by=by),
    )
    return file_id, manifest_id


async def unnamed(deps: Deps, incident: Incident) -> dict[str, str]:
    """Names from Slack for the people the record holds only by id (bot actions are stored
    before anyone's name is looked up)."""
    assert incident.id is not None
    async with deps.db() as session:
        conn = await session.connection()
        people = await conn.run_sync(queries.people, incident.id)
        named = await conn.run_sync(queries.names, incident.id)
    found: dict[str, str] = {}
    for user_id in sorted((people | {incident.opened_by}) - set(named)):
        name = await name_of(deps, user_id)
        if name:
            found[user_id] = name
    return found


def hash_message(result: ExportResult, *, by: str) -> str:
    """The export's message; its anchor line is what `crisisroom verify --slack` reads back."""
    head = (
        f":scroll: <@{by}> exported the legal record of {result.ref} ({LABELS[result.fmt]}): "
        f"{result.entries:,} entries, with its production manifest (size, SHA-256, MD5)."
    )
    if result.entries:  # the final chain hash, in the words verify reads back
        anchor = anchor_text(AnchorKind.EXPORT, result.ref, result.entries, result.final_hash)
        head = f"{head}\n{anchor}"
    if not result.intact:
        return f"{head}\n:warning: The chain does NOT verify: {result.integrity}."
    return f"{head}\nCheck it any time with `crisisroom verify {result.ref} --slack`."

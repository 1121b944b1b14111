"""One `.rsmf` file: an RFC 5322 message with the X-RSMF-* headers, a short text body, and one
attachment `rsmf.zip` holding `rsmf_manifest.json` and the files the manifest names.

The bytes depend only on the record: the Date header is the last event's time and the zip's
entries carry the slice's day, so the same slice exported twice is the same file (review
platforms dedupe on its MD5).
"""

from __future__ import annotations

import hashlib
import io
import json
import zipfile
from collections.abc import Mapping
from datetime import datetime
from email import message_from_bytes, policy
from email.message import EmailMessage
from email.utils import format_datetime
from typing import Any

from app.record.chain import timestamp

GENERATOR = "Crisis Room"
SENDER = "Crisis Room <crisisroom@localhost>"
MANIFEST_NAME = "rsmf_manifest.json"


def pack(
    manifest: Mapping[str, Any],
    files: Mapping[str, bytes],
    *,
    subject: str,
    custodian: str,
    span: tuple[datetime, datetime],
) -> bytes:
    """The .rsmf file's bytes; `files` maps each attachment id to its content."""
    message = EmailMessage(policy=policy.SMTP)
    first, last = span
    people = [str(p.get("display") or p["id"]) for p in manifest["participants"]]
    attached = sum(len(e.get("attachments") or []) for e in manifest["events"])
    message["From"] = SENDER
    message["To"] = SENDER
    message["Subject"] = subject
    message["Date"] = format_datetime(last)
    message["X-RSMF-Version"] = str(manifest["version"])
    message["X-RSMF-Generator"] = GENERATOR
    message["X-RSMF-Application"] = "Slack"
    message["X-RSMF-Custodian"] = custodian
    message["X-RSMF-BeginDate"] = timestamp(first)
    message["X-RSMF-EndDate"] = timestamp(last)
    message["X-RSMF-EventCount"] = str(len(manifest["events"]))
    message["X-RSMF-AttachmentCount"] = str(attached)
    message["X-RSMF-EventCollectionID"] = str(manifest.get("eventcollectionid") or "")
    message["X-RSMF-Participants"] = ", ".join(people)
    message.set_content(f"{subject}\n\nParticipants: {', '.join(people)}\n")
    archive = zipped(manifest, files, first)
    message.add_attachment(archive, maintype="application", subtype="zip", filename="rsmf.zip")
    message.set_boundary(f"rsmf-{hashlib.sha256(archive).hexdigest()[:32]}")  # not random
    return message.as_bytes()


def zipped(manifest: Mapping[str, Any], files: Mapping[str, bytes], day: datetime) -> bytes:
    buffer = io.BytesIO()
    stamp = (day.year, day.month, day.day, 0, 0, 0)
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        text = json.dumps(manifest, ensure_ascii=False, indent=1, sort_keys=True)
        archive.writestr(_info(MANIFEST_NAME, stamp), text.encode("utf-8"))
        for name in sorted(files):
            archive.writestr(_info(name, stamp), files[name])
    return buffer.getvalue()


def _info(name: str, stamp: tuple[int, int, int, int, int, int]) -> zipfile.ZipInfo:
    info = zipfile.ZipInfo(name, date_time=stamp)
    info.compress_type = zipfile.ZIP_DEFLATED
    return info


def unpack(data: bytes) -> tuple[EmailMessage, dict[str, Any], dict[str, bytes]]:
    """Read an .rsmf file back: its message, its manifest and the files in its zip."""
    message = message_from_bytes(data, _class=EmailMessage, policy=policy.default)
    assert isinstance(message, EmailMessage)
    part = next(p for p in message.iter_attachments() if p.get_filename() == "rsmf.zip")
    payload = part.get_content()
    with zipfile.ZipFile(io.BytesIO(payload)) as archive:
        contents = {name: archive.read(name) for name in archive.namelist()}
    manifest = json.loads(contents.pop(MANIFEST_NAME))
    return message, manifest, contents

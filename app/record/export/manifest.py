"""The production manifest written beside every export (`<export>.manifest.json`).

It lists each file produced with its size, SHA-256 and MD5 (review tools still dedupe on MD5),
and for each incident the record's entry range and head hash, whether the chain verified, who
exported it and when. Paths are relative to the manifest's folder.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from app.record.chain import timestamp

MANIFEST_VERSION = 1
CHUNK = 1 << 20


@dataclass(frozen=True)
class Produced:
    path: str
    size: int
    sha256: str
    md5: str


@dataclass(frozen=True)
class Exported:
    """One incident's part of a production: what the record held and the files made from it."""

    ref: str
    title: str
    entries: int
    head_hash: str
    intact: bool
    integrity: str
    files: list[Produced] = field(default_factory=list)


def manifest_path(out: Path) -> Path:
    return out.with_name(out.name + ".manifest.json")


def describe(path: Path, base: Path) -> Produced:
    """Size and digests of a written file, read back from disk in chunks."""
    sha256, md5, size = hashlib.sha256(), hashlib.md5(usedforsecurity=False), 0
    with path.open("rb") as handle:
        while chunk := handle.read(CHUNK):
            sha256.update(chunk)
            md5.update(chunk)
            size += len(chunk)
    return Produced(path.relative_to(base).as_posix(), size, sha256.hexdigest(), md5.hexdigest())


def describe_bytes(name: str, data: bytes) -> Produced:
    md5 = hashlib.md5(data, usedforsecurity=False).hexdigest()
    return Produced(name, len(data), hashlib.sha256(data).hexdigest(), md5)


def files_under(out: Path, base: Path) -> list[Produced]:
    """The file `out`, or every file under the folder `out`, in name order."""
    if out.is_dir():
        return [describe(path, base) for path in sorted(out.rglob("*")) if path.is_file()]
    return [describe(out, base)]


def production(
    parts: Iterable[Exported],
    *,
    fmt: str,
    exported_by: str,
    exported_at: datetime,
    scope: Mapping[str, Any] | None = None,
) -> dict[str, Any]:
    incidents = [_incident(part) for part in parts]
    return {
        "manifest_version": MANIFEST_VERSION,
        "generator": "Crisis Room",
        "format": fmt,
        "exported_by": exported_by,
        "exported_at": timestamp(exported_at),
        "scope": dict(scope or {}),
        "incidents": incidents,
        "files": [file for part in incidents for file in part["files"]],
    }


def _incident(part: Exported) -> dict[str, Any]:
    return {
        "ref": part.ref,
        "title": part.title,
        "entries": {"first": 1 if part.entries else 0, "last": part.entries},
        "head_hash": part.head_hash,
        "intact": part.intact,
        "integrity": part.integrity,
        "files": [{**asdict(file), "incident": part.ref} for file in part.files],
    }


def encode(manifest: Mapping[str, Any]) -> bytes:
    """The manifest file's bytes (the same on disk and uploaded to Slack)."""
    text = json.dumps(manifest, ensure_ascii=False, indent=2, sort_keys=True) + "\n"
    return text.encode("utf-8")


def write(path: Path, manifest: Mapping[str, Any]) -> Produced:
    """Write the manifest; its own digests go into the custody entry."""
    path.write_bytes(encode(manifest))
    return describe(path, path.parent)

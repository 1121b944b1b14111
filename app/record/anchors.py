"""Anchors: chain hashes kept outside the database, and the one text that carries them.

The bot posts an anchor in the war room at every export (and so at resolve), and posts
checkpoints to CRISIS_CHECKPOINT_CHANNEL. Each says "INC-<n> entry <seq>, hash `<64 hex>`":
the hash the database held for that entry when it was posted. `crisisroom verify --slack`
reads them back and fails when the database no longer holds that entry with that hash. The
builders and the parser live side by side so what is posted is exactly what is read back.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from enum import StrEnum


class AnchorKind(StrEnum):
    EXPORT = "export"
    CHECKPOINT = "checkpoint"


LABELS = {AnchorKind.EXPORT: "Export anchor", AnchorKind.CHECKPOINT: "Record checkpoint"}
ANCHOR = re.compile(
    r"(?P<label>Export anchor|Record checkpoint): INC-(?P<incident>\d+) "
    r"entry (?P<seq>\d+), hash `(?P<hash>[0-9a-f]{64})`"
)
SHOWN = 16


@dataclass(frozen=True)
class Anchor:
    kind: AnchorKind
    incident_id: int
    seq: int
    hash: str
    where: str = ""
    posted_at: datetime | None = None

    @property
    def ref(self) -> str:
        return f"INC-{self.incident_id}"

    def describe(self) -> str:
        when = f" {self.posted_at:%Y-%m-%d %H:%M} UTC" if self.posted_at else ""
        where = f" in {self.where}" if self.where else ""
        return (
            f"{self.kind.value} posted{when}{where} says {self.ref} entry {self.seq} "
            f"has hash {short(self.hash)}"
        )


def anchor_text(kind: AnchorKind, ref: str, seq: int, digest: str) -> str:
    """The exact words an anchor is posted with (and `parse` reads back)."""
    return f"{LABELS[kind]}: {ref} entry {seq}, hash `{digest}`"


def checkpoint_text(ref: str, seq: int, digest: str) -> str:
    return anchor_text(AnchorKind.CHECKPOINT, ref, seq, digest)


def parse(text: str, *, where: str = "", posted_at: datetime | None = None) -> list[Anchor]:
    """Every anchor in a message's text, in order."""
    kinds = {label: kind for kind, label in LABELS.items()}
    return [
        Anchor(
            kind=kinds[match["label"]],
            incident_id=int(match["incident"]),
            seq=int(match["seq"]),
            hash=match["hash"],
            where=where,
            posted_at=posted_at,
        )
        for match in ANCHOR.finditer(text or "")
    ]


def posted_at(ts: str | None) -> datetime | None:
    """A Slack message ts ("1764583200.000100") as an aware UTC time."""
    try:
        return datetime.fromtimestamp(float(ts or ""), tz=UTC)
    except ValueError:
        return None


def mismatch(anchor: Anchor, stored: Mapping[int, str]) -> str | None:
    """Why the database (entry hashes by seq) contradicts the anchor; None if it agrees."""
    found = stored.get(anchor.seq)
    if found == anchor.hash:
        return None
    if found is None:
        return f"anchor: {anchor.describe()}, but the database has no entry {anchor.seq}"
    return (
        f"anchor: {anchor.describe()}, but the database's entry {anchor.seq} "
        f"has hash {short(found)}"
    )


def for_incident(anchors: Iterable[Anchor], incident_id: int) -> list[Anchor]:
    return [anchor for anchor in anchors if anchor.incident_id == incident_id]


def short(digest: str) -> str:
    return f"{digest[:SHOWN]}…"

"""What one process keeps for the outbox worker: who it is (the owner written on its leases)
and one lock per outbox row, so a process works on a row once at a time (the database lease
keeps other processes off it)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field

from app.locks import KeyedLocks


@dataclass
class OutboxRunner:
    owner: str = field(default_factory=lambda: f"outbox-{uuid.uuid4().hex[:16]}")
    rows: KeyedLocks = field(default_factory=KeyedLocks)

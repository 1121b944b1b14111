"""What one process keeps for the outbox worker: one lock per outbox row, so a process works
on a row once at a time (the database lease, written with the process's `Deps.owner`, keeps
other processes off it)."""

from __future__ import annotations

from dataclasses import dataclass, field

from app.locks import KeyedLocks


@dataclass
class OutboxRunner:
    rows: KeyedLocks = field(default_factory=KeyedLocks)

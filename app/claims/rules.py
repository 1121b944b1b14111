"""When a claim is free, and how long a failed message waits: the same for every claimed row.

A process sends a message only after winning its row: inserting it already claimed, or taking
it back when it is unsent, not waiting for a retry, and free: unclaimed, or claimed by a
process that stopped beating. The claim is committed before the Slack call. Afterwards the
sender marks it sent, or releases it with a backoff so a later tick retries it. Two processes
sharing a database therefore never both send.

Owner and heartbeat: `claimed_by` is the claiming process (`Deps.owner`), which refreshes
`heartbeat_at` on all its claims every `HEARTBEAT_EVERY` while it runs (one UPDATE a table).
A claim whose heartbeat is older than `STALE_AFTER` belongs to a process that died (or froze)
mid-send, and another process takes it over. Three missed beats, not one, so a busy database
or event loop does not hand over a live claim; and 15 s is short next to the 5 minutes the old
lease cost. A live process never holds a claim longer than a look's timeout (30 s), so
`CLAIM_LEASE` stays as a backstop: a claim older than that is free whatever its heartbeat (and
is the only rule for claims written before heartbeats existed).

Unknown outcomes: `attempt_started_at` is set while an attempt is in flight and kept when it
ended without an answer (timeout, dropped connection, crash). Whoever claims such a row gets
`Claimed.unknown` and must look the message up in Slack (app/flows/effects.py) before posting.
"""

from __future__ import annotations

import os
import secrets
import socket
from dataclasses import dataclass
from datetime import datetime, timedelta

from app.claims.columns import ClaimColumns

CLAIM_LEASE = timedelta(minutes=5)
HEARTBEAT_EVERY = timedelta(seconds=5)
STALE_AFTER = timedelta(seconds=15)
# No attempt lasts longer (a reminder look has 30 s: app/flows/reminder_pass.py): an older
# claim of a live process is one whose release was lost (the database refused it), and its
# heartbeat stops so it is taken over like a dead process's, not after the whole lease.
ATTEMPT_AT_MOST = timedelta(seconds=45)
MAX_BACKOFF_SECONDS = 300


@dataclass(frozen=True)
class Claimed:
    """A claim won: `at` tells this attempt apart, `since` is when the message was first
    claimed, `unknown` that an earlier attempt may have reached Slack."""

    at: datetime
    since: datetime
    unknown: bool


def new_token() -> str:
    return secrets.token_hex(8)


def new_owner() -> str:
    """An id for one running process: host, pid and a random part (a restart is a new owner)."""
    return f"{socket.gethostname()[:32]}:{os.getpid()}:{secrets.token_hex(6)}"


def backoff(attempts: int) -> timedelta:
    """No wait after the first failure (the next tick retries), then 2 s, 4 s … up to 5 min."""
    if attempts <= 1:
        return timedelta(0)
    return timedelta(seconds=min(2 ** (attempts - 1), MAX_BACKOFF_SECONDS))


def free_at(row: ClaimColumns) -> datetime | None:
    """When another process may take this claimed row over; None if it is not claimed."""
    if row.claimed_by is None or row.claimed_at is None:
        return None
    lease_ends = row.claimed_at + CLAIM_LEASE
    if row.heartbeat_at is None:
        return lease_ends
    return min(row.heartbeat_at + STALE_AFTER, lease_ends)


def settled(row: ClaimColumns | None) -> bool:
    """Sent, or tried at least once and not being tried right now."""
    if row is None:
        return False
    return row.sent_at is not None or (row.claimed_by is None and row.attempts > 0)

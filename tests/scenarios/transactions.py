"""Counting database transactions with SQLAlchemy's engine events: which wrote, which only read.

Each transaction that begins and ends on the engine while counting is kept with its statements.
A write is one that ran INSERT, UPDATE or DELETE. The signed-request replay guard (one INSERT
into `slack_request_seen` before each ack, app/requests) is kept apart: it is the door every
request goes through, not the work of the flow behind it. So are the outbox's own rows
(app/outbox: leasing a copy, moving its done version): delivering what Slack shows after the
change committed, not the change.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from itertools import product
from typing import Any

from sqlalchemy import Connection, event

from app.store.engine import SessionFactory

WRITES = ("insert", "update", "delete")
REPLAY_GUARD = "slack_request_seen"
OUTBOX = "outbox"


@dataclass
class Transaction:
    statements: list[str] = field(default_factory=list)

    @property
    def wrote(self) -> bool:
        return any(s.lstrip().lower().startswith(WRITES) for s in self.statements)

    @property
    def is_replay_guard(self) -> bool:
        return bool(self.statements) and all(REPLAY_GUARD in s for s in self.statements)

    @property
    def is_delivery(self) -> bool:
        """Only the outbox's bookkeeping (a lease, a done version, a wanted version)."""
        return bool(self.statements) and all(OUTBOX in s for s in self.statements)

    def index(self, fragment: str) -> int:
        """Where the first statement containing `fragment` ran (-1: none)."""
        return next((i for i, s in enumerate(self.statements) if fragment in s), -1)


@dataclass
class Transactions:
    ended: list[Transaction] = field(default_factory=list)
    _open: dict[int, Transaction] = field(default_factory=dict)

    @property
    def writes(self) -> list[Transaction]:
        return [t for t in self.ended if t.wrote and not (t.is_replay_guard or t.is_delivery)]

    @property
    def reads(self) -> list[Transaction]:
        return [t for t in self.ended if not t.wrote and not t.is_delivery]

    @property
    def deliveries(self) -> list[Transaction]:
        return [t for t in self.ended if t.is_delivery]

    @property
    def replay_guards(self) -> list[Transaction]:
        return [t for t in self.ended if t.is_replay_guard]

    def running(self, fragment: str) -> list[Transaction]:
        """The transactions that ran a statement containing `fragment`."""
        return [t for t in self.ended if t.index(fragment) >= 0]

    def summary(self) -> str:
        return "\n".join(
            f"{'write' if t.wrote else 'read'}: " + " | ".join(s[:60] for s in t.statements)
            for t in self.ended
        )


@contextmanager
def counting(db: SessionFactory) -> Iterator[Transactions]:
    """Keep every transaction that begins and ends on `db`'s engine inside the block, and on
    its group-commit writer's own (a SQLite file's batches commit on a thread: store/
    writer_thread.py)."""
    seen = Transactions()
    engines = [db.engine.sync_engine]
    if db.writer.handoff is not None:
        engines.extend(db.writer.handoff.engines())

    def on_begin(conn: Connection) -> None:
        seen._open[id(conn)] = Transaction()

    def on_execute(conn: Connection, _cursor: Any, statement: str, *_: Any) -> None:
        current = seen._open.get(id(conn))
        if current is not None:
            current.statements.append(" ".join(statement.split()))

    def on_end(conn: Connection) -> None:
        finished = seen._open.pop(id(conn), None)
        if finished is not None:  # None: begun before counting started
            seen.ended.append(finished)

    hooks = [
        ("begin", on_begin),
        ("before_cursor_execute", on_execute),
        ("commit", on_end),
        ("rollback", on_end),
    ]
    for engine, (name, hook) in product(engines, hooks):
        event.listen(engine, name, hook)
    try:
        yield seen
    finally:
        for engine, (name, hook) in product(engines, hooks):
            event.remove(engine, name, hook)

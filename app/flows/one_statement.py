"""PostgreSQL: a group-commit batch of replay marks and record entries in one statement.

Every batch of the database's writer holds these two kinds of write: the replay marks of the
requests arriving, and the record entries of the events before them. Written the usual way a
batch is four round trips to the server (BEGIN, the marks, the entries, COMMIT), and under load
each waits for the event loop's next turn, so a message's ack waited for four of them.

Here the batch is one statement, sent on a connection without a transaction of its own: the
entries chained on the heads the writer remembers (app/record/remembered_sql.py `WHOLE`) and
the marks inserted beside them, each incident's head moved only if every incident's can be
(`every`). A statement is atomic by itself, so the batch is written whole or not at all: if an
incident's head moved elsewhere, a key is stored already (the statement fails on the unique
constraint), an incident has no remembered head or an item brings files, nothing is written and
the batch goes the usual way, in a transaction (`None` to the writer), where
`RememberedHeads.append_all` sorts it out.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import ARRAY, BigInteger, Connection, DateTime, String, bindparam, text
from sqlalchemy.exc import IntegrityError

from app.record.remembered import RememberedHeads
from app.record.remembered_sql import BINDS, WHOLE
from app.requests.replay import answers, firsts, insert_new
from app.store.group_commit import BatchWrite, GroupCommit, Job, Kinds


@dataclass(frozen=True)
class MarksAndEntries:
    """The writer's `one_statement` for the batches of `heads` (a batch holding any other
    write, or another RememberedHeads' entries, goes the usual way)."""

    heads: RememberedHeads

    def __call__(self, conn: Connection, batch: Sequence[Job]) -> list[Any] | None:
        mine = self.heads.append_all
        kinds = Kinds(batch)
        if not set(kinds.places) <= {insert_new, mine}:
            return None
        marks, entries = kinds.items(insert_new), kinds.items(mine)
        plan = self.heads.whole(entries)
        if plan is None:
            return None
        unique = firsts(marks)
        values = {
            **plan.values(),
            "s_signature": [row["signature_sha256"] for row in unique],
            "s_signed_at": [row["signed_at"] for row in unique],
            "s_seen_at": [row["seen_at"] for row in unique],
        }
        try:
            row = conn.execute(_STATEMENT, values).one()
        except IntegrityError:  # a key already stored (a retried delivery): nothing written
            return None
        if not row.ok:
            return None
        marked: set[str] = set(row.marked)
        found: dict[BatchWrite[Any, Any], list[Any]] = {
            insert_new: answers(marks, marked),
            mine: self.heads.written(plan, entries),
        }
        return kinds.in_order(found)


def attach(writer: GroupCommit, heads: RememberedHeads) -> None:
    """On PostgreSQL, `writer` writes the batches of `heads` in one statement."""
    if writer.engine.dialect.name == "postgresql":
        writer.one_statement = MarksAndEntries(heads)


_STATEMENT = text(
    f"""WITH {WHOLE}, s AS (
  SELECT * FROM unnest(CAST(:s_signature AS varchar[]), CAST(:s_signed_at AS bigint[]),
    CAST(:s_seen_at AS timestamptz[])) AS s(signature_sha256, signed_at, seen_at)
), marks AS (
  INSERT INTO slack_request_seen (signature_sha256, signed_at, seen_at)
  SELECT * FROM s WHERE (SELECT ok FROM every)
  ON CONFLICT DO NOTHING RETURNING signature_sha256
)
SELECT (SELECT ok FROM every) AS ok, ARRAY(SELECT signature_sha256 FROM marks) AS marked"""
).bindparams(
    *BINDS,
    bindparam("s_signature", type_=ARRAY(String)),
    bindparam("s_signed_at", type_=ARRAY(BigInteger)),
    bindparam("s_seen_at", type_=ARRAY(DateTime(timezone=True))),
)

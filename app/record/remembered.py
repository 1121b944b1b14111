"""The chain heads the writer last wrote, remembered so the next batch can be chained on them
in Python and sent whole in one statement (PostgreSQL: app/flows/one_statement.py, with the SQL
in app/record/remembered_sql.py).

The statement, per incident of the batch, locks the head row (all heads in incident order, as
`append_all` does, so two writers never wait on each other in a circle) and reads it as it is
now (a waiting lock sees the newest row); it moves every head to its batch's last entry and
inserts the entries only if each head still is the remembered one, and the unique constraint on
(incident, dedupe key) fails it if a key is stored already. Since every append moves the head in
the transaction that inserts the entry, a head equal to the remembered one means no entry was
added since.

The remembered head is a hint, never trusted: if a head moved elsewhere (a decision appended by
another transaction, another replica, a batch that rolled back), a key is stored already or an
incident's head was never seen, the statement writes nothing, and the batch goes through
`append_all` in a transaction, which locks and reads everything and remembers where the heads
are now.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Connection

from app.record.append import Appended, build_row
from app.record.batch import Pending, append_all
from app.record.remembered_sql import COLUMNS

Head = tuple[int, str]  # (seq, hash)


@dataclass
class RememberedHeads:
    """The batch write of the group-commit writer (`submit(heads.append_all, item)`)."""

    heads: dict[int, Head] = field(default_factory=dict)
    fast: int = 0  # batches written whole on the remembered heads (tests, benches)

    def append_all(self, conn: Connection, items: Sequence[Pending]) -> list[Appended | None]:
        """The usual way (`batch.append_all`), remembering where each head moved."""
        results = append_all(conn, items)
        for found in results:
            if found is not None:
                self.heads[found.incident_id] = (found.seq, found.hash)
        return results

    def whole(self, items: Sequence[Pending]) -> Plan | None:
        """The batch chained on the remembered heads, for a statement that writes it whole or
        not at all; None if an incident has no remembered head or an item brings files (they
        are written by a statement of their own)."""
        if any(item.incident_id not in self.heads or item.files for item in items):
            return None
        return Plan.chain(items, self.heads)

    def written(self, plan: Plan, items: Sequence[Pending]) -> list[Appended | None]:
        """`plan` is committed: its heads are the ones to remember; each item's result."""
        self.heads.update(plan.last)
        self.fast += 1
        return [plan.results.get(place) for place in range(len(items))]


@dataclass
class Plan:
    """The entries of a batch chained on the remembered heads, before they are sent."""

    rows: list[dict[str, Any]] = field(default_factory=list)
    first: dict[int, Head] = field(default_factory=dict)  # the head each incident moves from
    last: dict[int, Head] = field(default_factory=dict)  # and where it moves to
    results: dict[int, Appended] = field(default_factory=dict)  # by the item's place in the batch

    @classmethod
    def chain(cls, items: Sequence[Pending], heads: dict[int, Head]) -> Plan:
        """A key twice in one batch is chained once (the first); the later one stores
        nothing."""
        plan = cls()
        taken: set[tuple[int, str]] = set()
        for place, item in enumerate(items):
            key = (item.incident_id, item.draft.dedupe_key)
            if key not in taken:
                taken.add(key)
                plan.add(place, item, heads[item.incident_id])
        return plan

    def values(self) -> dict[str, Any]:
        """The statement's arrays: the entries' columns, and each incident's move (m_)."""
        values: dict[str, Any] = {name: [row[name] for row in self.rows] for name in COLUMNS}
        incidents = sorted(self.first)
        values["m_incident"] = incidents
        values["m_from_seq"] = [self.first[incident][0] for incident in incidents]
        values["m_from_hash"] = [self.first[incident][1] for incident in incidents]
        values["m_seq"] = [self.last[incident][0] for incident in incidents]
        values["m_hash"] = [self.last[incident][1] for incident in incidents]
        return values

    def add(self, place: int, item: Pending, remembered: Head) -> None:
        incident = item.incident_id
        self.first.setdefault(incident, remembered)
        seq, previous = self.last.get(incident, remembered)
        row = build_row(
            item.draft, incident_id=incident, seq=seq + 1, prev=previous, at=item.recorded_at
        )
        self.rows.append(row)
        self.last[incident] = (row["seq"], row["hash"])
        self.results[place] = Appended(incident, row["seq"], row["hash"])

"""Walking a chain in seq order: the first entry that does not fit, and why."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from app.record.chain import GENESIS, sealed_text, timestamp
from app.record.stored import OCCURRED_AT, RECORDED_AT, stored_fields, stored_text, stored_time


@dataclass(frozen=True)
class Break:
    """The first entry that does not fit the chain, and why."""

    seq: int
    position: int
    reason: str
    what: str = ""

    def describe(self) -> str:
        what = f" ({self.what})" if self.what else ""
        return f"entry {self.position}, seq {self.seq}{what}: {self.reason}"


@dataclass(frozen=True)
class Verdict:
    entries: int
    final_hash: str
    first_break: Break | None

    @property
    def intact(self) -> bool:
        return self.first_break is None


class Walk:
    """Checks entries one at a time, in seq order; remembers the first that does not match.
    `text` is the sealed text of the last entry fed (the JSONL export writes it; None when it
    has none), `occurred` and `recorded` the canonical times of the last stored row fed."""

    def __init__(self) -> None:
        self.previous = GENESIS
        self.count = 0
        self.first_break: Break | None = None
        self.text: str | None = ""
        self.occurred: str | None = None
        self.recorded: str | None = None

    def feed(self, row: Mapping[str, Any]) -> bool:
        if self.first_break is not None:
            return False
        try:
            self.text = sealed_text(row)
        except (ValueError, TypeError):
            self.text = None
        return self._judge(row["seq"], row["prev_hash"], row["hash"], row)

    def feed_stored(self, values: Sequence[Any]) -> bool:
        """`feed` for a stored row (STORED_FIELDS order), without a dict or a datetime; its
        sealed text and times are made whether or not the chain already broke."""
        self.occurred = occurred = stored_time(values[OCCURRED_AT])
        self.recorded = recorded = stored_time(values[RECORDED_AT])
        try:
            self.text = stored_text(values, occurred, recorded)
        except (ValueError, TypeError):
            self.text = None
        if self.first_break is not None:
            return False
        return self._judge(values[1], values[-2], values[-1], values)

    def _judge(
        self, seq: Any, previous: Any, digest: Any, row: Mapping[str, Any] | Sequence[Any]
    ) -> bool:
        position = self.count + 1
        reason = self._fault(seq, previous, digest, position)
        if reason is None:
            self.count, self.previous = position, str(digest)
            return True
        fields = row if isinstance(row, Mapping) else stored_fields(row)
        self.first_break = Break(int(seq), position, reason, describe_row(fields))
        return False

    def _fault(self, seq: Any, previous: Any, digest: Any, expected_seq: int) -> str | None:
        if seq != expected_seq:
            return seq_fault(expected_seq, int(seq))
        if previous != self.previous:
            return "its prev_hash is not the hash of the entry before it"
        if self.text is None:
            return "its content is not valid JSON"
        if hashlib.sha256(self.text.encode("utf-8")).hexdigest() != digest:
            return "its stored fields do not match its hash (the entry was altered)"
        return None

    def verdict(self) -> Verdict:
        return Verdict(self.count, self.previous, self.first_break)


def seq_fault(expected: int, found: int) -> str:
    """Sequence numbers run 1, 2, 3 … with no gap: name what is missing or out of place."""
    if found > expected:
        last = found - 1
        gap = f"seq {expected} is" if last == expected else f"seq {expected} to {last} are"
        return f"expected seq {expected} here but found seq {found}: {gap} missing (a gap)"
    return f"expected seq {expected} here but found seq {found} (an entry is out of place)"


def check(rows: Iterable[Mapping[str, Any]]) -> Verdict:
    """Walk entries in seq order; stop at the first that does not match."""
    walk = Walk()
    for row in rows:
        if not walk.feed(row):
            break
    return walk.verdict()


def describe_row(row: Mapping[str, Any]) -> str:
    who = row.get("user_name") or row.get("user_id") or "nobody named"
    when = row.get("occurred_at")
    when = timestamp(when) if isinstance(when, datetime) else str(when or "")
    return f"{row.get('kind')} by {who} at {when}"

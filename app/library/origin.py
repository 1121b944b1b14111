"""Where a proposed action's words came from, as an action stores it: the library version,
who approved it and when, the values filled in, and whether the words were used unchanged.

Kept with the action as JSON text, so the card shows the same facts however the library
changes afterwards.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from datetime import date

from app.errors import BadCommand


@dataclass(frozen=True)
class PreApproval:
    role: str  # the role's label, "Legal"
    by: str  # a user id
    name: str  # their name when the statement was used ("" if Slack did not say)
    on: str  # ISO date


@dataclass(frozen=True)
class Origin:
    key: str
    version: int
    title: str  # the library version's title
    text: str  # the library version's words, placeholders filled
    unchanged: bool
    values: dict[str, str] = field(default_factory=dict)
    approvals: tuple[PreApproval, ...] = ()

    @property
    def approved_on(self) -> date | None:
        days = [date.fromisoformat(a.on) for a in self.approvals if a.on]
        return max(days, default=None)

    def dump(self) -> str:
        return json.dumps(asdict(self), separators=(",", ":"), ensure_ascii=False)


def load_origin(raw: str) -> Origin:
    try:
        data = json.loads(raw)
        approvals = tuple(PreApproval(**item) for item in data.pop("approvals", []))
        return Origin(**data, approvals=approvals)
    except (ValueError, TypeError, AttributeError):
        raise BadCommand("This action's library source cannot be read.") from None

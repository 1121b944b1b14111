"""Gaps in the record noticed by this process, kept in memory until the database takes them.

A write that fails (the database may be down) marks its channel; Slack's signal of dropped
events (`app_rate_limited`) marks every open incident. The catch-up pass
(app/flows/catch_up.py) takes the marks, persists them on `record_catch_up` and puts them
back if that write fails too, so nothing noticed is forgotten before the database is back.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime


@dataclass(frozen=True)
class Gap:
    since: datetime  # first noticed
    noticed: datetime  # last noticed

    def widened(self, at: datetime) -> Gap:
        return Gap(min(self.since, at), max(self.noticed, at))


@dataclass
class GapMarks:
    """Per process (one on `Deps`): channels with a failed write, and a mark for everything."""

    channels: dict[str, Gap] = field(default_factory=dict)
    everything: Gap | None = None

    def channel(self, channel_id: str, at: datetime) -> None:
        known = self.channels.get(channel_id)
        self.channels[channel_id] = known.widened(at) if known else Gap(at, at)

    def everywhere(self, at: datetime) -> None:
        self.everything = self.everything.widened(at) if self.everything else Gap(at, at)

    @property
    def pending(self) -> int:
        return len(self.channels) + (self.everything is not None)

    @property
    def oldest(self) -> datetime | None:
        times = [gap.since for gap in self.channels.values()]
        times += [self.everything.since] if self.everything else []
        return min(times, default=None)

    def take(self) -> GapMarks:
        """Every mark, leaving none here (`put_back` them if they could not be stored)."""
        taken = GapMarks(dict(self.channels), self.everything)
        self.channels, self.everything = {}, None
        return taken

    def put_back(self, taken: GapMarks) -> None:
        for channel_id, gap in taken.channels.items():
            self.channel(channel_id, gap.since)
            self.channel(channel_id, gap.noticed)
        if taken.everything is not None:
            self.everywhere(taken.everything.since)
            self.everywhere(taken.everything.noticed)

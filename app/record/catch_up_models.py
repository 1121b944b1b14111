"""Where the periodic catch-up of each open incident's record stands (issue 13).

One row per incident: when a pass must next look at it (`due_at`, also its lease), the gap
known to be there (`gap_since`: the first time a write failed or Slack signalled lost events;
`gap_noticed`: the latest such time; both NULL when none is known), and how far history was
read (`reconciled_ts`: the newest Slack ts seen, where the next pass starts, with an overlap).
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Column, ForeignKey, Index, Integer, String
from sqlmodel import Field, SQLModel

from app.store.types import UTCDateTime


class RecordCatchUp(SQLModel, table=True):
    __tablename__ = "record_catch_up"
    __table_args__ = (Index("ix_record_catch_up_due_at", "due_at"),)

    incident_id: int = Field(
        sa_column=Column(Integer, ForeignKey("incident.id"), primary_key=True, autoincrement=False)
    )
    due_at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))
    gap_since: datetime | None = Field(default=None, sa_column=Column(UTCDateTime(), nullable=True))
    gap_noticed: datetime | None = Field(
        default=None, sa_column=Column(UTCDateTime(), nullable=True)
    )
    reconciled_ts: str | None = Field(default=None, sa_column=Column(String(32), nullable=True))
    reconciled_at: datetime | None = Field(
        default=None, sa_column=Column(UTCDateTime(), nullable=True)
    )

"""One audience's wording of one status update, and where it was posted.

Updates are not approved: the variants are stored in the update's own transaction and posted
when the update is (app/flows/update_variants.py). The audiences are the actions' ones
(app/approvals/variants.py).
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Column, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlmodel import Field, SQLModel

from app.approvals.variants import Audience
from app.store.types import EnumFields, StrEnumType, UTCDateTime


class UpdateVariant(EnumFields, SQLModel, table=True):
    __tablename__ = "status_update_variant"
    __table_args__ = (
        UniqueConstraint("update_id", "audience", name="uq_status_update_variant_update_audience"),
    )

    id: int | None = Field(default=None, primary_key=True)
    update_id: int = Field(
        sa_column=Column(Integer, ForeignKey("status_update.id"), nullable=False)
    )
    audience: Audience = Field(sa_column=Column(StrEnumType(Audience, 16), nullable=False))
    text: str = Field(sa_column=Column(Text, nullable=False))
    # When the post was first tried (claimed), and where it landed once Slack answered.
    tried_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime(), nullable=True))
    posted_channel: str | None = Field(default=None, sa_column=Column(String(32), nullable=True))
    posted_ts: str | None = Field(default=None, sa_column=Column(String(32), nullable=True))
    posted_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime(), nullable=True))

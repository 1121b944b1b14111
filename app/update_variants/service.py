"""Keeping an update's variants, claiming them for posting, and recording where each went.

The caller owns the transaction. Each update is posted by the one request that stored it (a
retried or replayed submission is stopped at the gate by its replay mark, in any process), so
the variants are claimed when stored (`tried_at`); each post goes through `post_once`, so a
lost answer from Slack is looked up in the channel, never posted twice.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime

from sqlmodel.ext.asyncio.session import AsyncSession

from app.approvals.variants import Audience, checked_variants
from app.audit.service import audit
from app.update_variants.models import UpdateVariant


async def keep(
    session: AsyncSession, update_id: int, variants: Mapping[Audience, str], *, at: datetime
) -> list[UpdateVariant]:
    """Store the update's variants (in audience order), claimed for the post after the commit."""
    rows = [
        UpdateVariant(update_id=update_id, audience=audience, text=text, tried_at=at)
        for audience, text in checked_variants(variants).items()
    ]
    session.add_all(rows)
    await session.flush()
    return rows


async def record_post(
    session: AsyncSession,
    variant_id: int,
    *,
    incident_id: int,
    channel: str,
    ts: str,
    by: str,
    at: datetime,
) -> None:
    """Where the variant landed, with the audit entry the legal record copies."""
    row = await session.get(UpdateVariant, variant_id)
    assert row is not None
    row.posted_channel, row.posted_ts, row.posted_at = channel, ts, at
    session.add(row)
    audit(
        session,
        at=at,
        actor=by,
        action="update.variant_post",
        incident_id=incident_id,
        update_id=row.update_id,
        audience=row.audience.value,
        channel=channel,
        ts=ts,
    )


def effect_id(incident_ref: str, update_id: int, audience: Audience) -> str:
    """The post's stable id: at most one message per update and audience."""
    return f"update-variant:{incident_ref}:U-{update_id}:{audience.value}"


def guard_effect_id(incident_ref: str, update_id: int, user: str) -> str:
    """The DM telling one Legal role holder that a variant of the update was flagged."""
    return f"update-guard:{incident_ref}:U-{update_id}:{user}"

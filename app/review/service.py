"""Storing a review and turning its follow-ups into tracked actions (the caller commits)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlmodel import select
from sqlmodel.ext.asyncio.session import AsyncSession

from app.approvals import service as approvals
from app.approvals.models import Action
from app.approvals.policy import ApprovalPolicy, Category
from app.audit.service import audit
from app.metrics.review_figures import MetricFigures
from app.review.errors import AlreadyReviewed
from app.review.figures import ReviewFigures
from app.review.forms import ReviewForm
from app.review.models import Review


async def find(session: AsyncSession, incident_id: int) -> Review | None:
    query = select(Review).where(Review.incident_id == incident_id)
    return (await session.exec(query)).first()


def figures_json(figures: ReviewFigures) -> dict[str, Any]:
    first = figures.to_first_statement
    return {
        "to_first_statement_seconds": first.total_seconds() if first else None,
        "turnaround": [
            {
                "role": t.role,
                "decisions": t.decisions,
                "median_seconds": t.median.total_seconds(),
                "worst_seconds": t.worst.total_seconds(),
            }
            for t in figures.turnaround
        ],
        "updates": {
            "on_time": figures.updates.on_time,
            "late": figures.updates.late,
            "escalated": figures.updates.escalated,
        },
        "messages": figures.messages,
        "participants": figures.participants,
        "metrics": [metric_json(m) for m in figures.metrics],
    }


def metric_json(figures: MetricFigures) -> dict[str, Any]:
    recovery = figures.to_recovery
    return {
        "metric": figures.metric,
        "unit": figures.unit,
        "baseline": figures.baseline,
        "peak": figures.peak,
        "peak_at": figures.peak_at.isoformat(),
        "to_peak_seconds": figures.to_peak.total_seconds(),
        "recovered": figures.recovered.value,
        "to_recovery_seconds": recovery.total_seconds() if recovery is not None else None,
        "recovery_rule": figures.rule,
    }


async def save(
    session: AsyncSession,
    *,
    form: ReviewForm,
    figures: ReviewFigures,
    by: str,
    at: datetime,
    policy: ApprovalPolicy,
) -> tuple[Review, list[Action]]:
    existing = await find(session, form.incident_id)
    if existing is not None:
        raise AlreadyReviewed(f"INC-{form.incident_id}", by=existing.by, at=existing.at)
    review = Review(
        incident_id=form.incident_id,
        by=by,
        at=at,
        what_happened=form.what_happened,
        went_well=form.went_well,
        went_badly=form.went_badly,
        figures=figures_json(figures),
    )
    session.add(review)
    follow_ups = [
        await approvals.propose(
            session,
            incident_id=form.incident_id,
            title=item.title,
            details=f"Follow-up from the post-incident review, due {item.due:%Y-%m-%d}.",
            category=Category.INTERNAL,
            proposer=by,
            owner=item.owner,
            at=at,
            policy=policy,
        )
        for item in form.follow_ups
    ]
    audit(
        session,
        at=at,
        actor=by,
        action="review.post",
        incident_id=form.incident_id,
        what_happened=form.what_happened,
        went_well=form.went_well,
        went_badly=form.went_badly,
        follow_ups=[a.ref for a in follow_ups],
        figures=figures_json(figures),
    )
    await session.flush()
    return review, follow_ups

"""What the lead submits in the post-incident review, as plain values.

The Slack adapter reads it from the review modal (app/slack/blocks/review.py); the review flow
and `app.review.service.save` take it as it is.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date


@dataclass(frozen=True)
class FollowUp:
    title: str
    owner: str
    due: date


@dataclass(frozen=True)
class ReviewForm:
    incident_id: int
    what_happened: str
    went_well: str
    went_badly: str
    follow_ups: tuple[FollowUp, ...]

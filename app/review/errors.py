"""Errors particular to reviews: plain words and the facts behind them, never mrkdwn."""

from __future__ import annotations

from datetime import datetime

from app.errors import CrisisError


class AlreadyReviewed(CrisisError):
    """An incident has one review: `ref` was reviewed by `by` (a user id), at `at` when known.

    The Slack adapter names the reviewer with a mention and the time as a Slack date."""

    def __init__(self, ref: str, *, by: str, at: datetime | None = None) -> None:
        super().__init__(f"{ref} was already reviewed.")
        self.ref = ref
        self.by = by
        self.at = at

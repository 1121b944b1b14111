"""The one place a refusal becomes the mrkdwn line a person reads.

A domain error holds plain text and typed fields (see `CrisisError`): here the text is escaped
once, and mentions and dates are built from the user ids and datetimes the error carries. An
error raised with `mrkdwn=True` (the Slack adapter's and the flows' own lines, Slack failures)
is already mrkdwn and is sent as it is.
"""

from __future__ import annotations

from datetime import UTC, datetime

from app.approvals.errors import DecidedBy
from app.errors import CrisisError
from app.review.errors import AlreadyReviewed
from app.slack.blocks.text import escape, mention, when


def error_line(error: CrisisError) -> str:
    """The line for `error`, in mrkdwn, without the leading emoji."""
    if isinstance(error, DecidedBy):
        return f"{escape(error.message)} {_who_and_when(error.by, error.at)}."
    if isinstance(error, AlreadyReviewed):
        return _already_reviewed(error)
    return error.message if error.mrkdwn else escape(error.message)


def _who_and_when(by: str | None, at: datetime | None) -> str:
    """`<@U0DAVID> at 2026-11-21 14:00 UTC`, or `at …` when nobody is on record."""
    moment = at.astimezone(UTC).strftime("%Y-%m-%d %H:%M UTC") if at else "an unknown time"
    return f"{mention(by)} at {moment}" if by else f"at {moment}"


def _already_reviewed(error: AlreadyReviewed) -> str:
    at = f" {when(error.at)}" if error.at else ""
    return f"{escape(error.ref)} was already reviewed by {mention(error.by)}{at}."

"""Domain errors. Each carries the one line a person should read, as words and data."""

from __future__ import annotations


class CrisisError(Exception):
    """An error whose message is safe and useful to show to the person who caused it.

    The message is plain text by default: write what a person typed as it is, never escaped,
    and never a mention or a Slack date (a subclass carries those as typed fields: user ids,
    datetimes). Backticks around a command or a value (`/crisis reopen`, `5s`) are the one piece
    of formatting plain text uses. The one renderer, `app/slack/blocks/error_lines.py`, turns
    each error into its Slack line: it escapes plain text once and builds mentions and dates
    from the fields. Code in the Slack adapter or a flow that has already built a mrkdwn line
    (mentions, channel links, escaped usage) says so with `mrkdwn=True`; domain code never does.
    """

    def __init__(self, message: str, *, mrkdwn: bool = False) -> None:
        super().__init__(message)
        self.message = message
        self.mrkdwn = mrkdwn


class BadCommand(CrisisError):
    """The person typed something we cannot act on; the message says what to type instead."""


class NotAuthorized(CrisisError):
    """The person may not do this."""


class NotAnIncidentChannel(CrisisError):
    """The command only works inside an incident channel."""


class NotFound(CrisisError):
    """A thing the person named does not exist."""


class SlackFailure(CrisisError):
    """Slack refused a call; the message (mrkdwn, built by the gateway) says so in plain words."""

    def __init__(self, message: str, *, error: str) -> None:
        super().__init__(message, mrkdwn=True)
        self.error = error

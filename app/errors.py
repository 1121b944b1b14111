"""Domain errors. Each carries the one line a person should read."""

from __future__ import annotations


class CrisisError(Exception):
    """An error whose message is safe and useful to show to the person who caused it.

    The message is Slack mrkdwn, sent as it is: escape any user text in it (the rule is at the
    top of app/slack/blocks/text.py)."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class BadCommand(CrisisError):
    """The person typed something we cannot act on; the message says what to type instead."""


class NotAuthorized(CrisisError):
    """The person may not do this."""


class NotAnIncidentChannel(CrisisError):
    """The command only works inside an incident channel."""


class NotFound(CrisisError):
    """A thing the person named does not exist."""


class SlackFailure(CrisisError):
    """Slack refused a call; the message explains it in plain words."""

    def __init__(self, message: str, *, error: str) -> None:
        super().__init__(message)
        self.error = error

"""People, a hand-moved clock and small helpers shared by the slackdouble tests."""

from __future__ import annotations

from collections.abc import Awaitable
from typing import Any

import pytest
from slack_sdk.errors import SlackApiError

MARIA = "U0MARIA"
JAMES = "U0JAMES"
GONE = "U0GONE"


class FakeClock:
    """A clock tests move by hand."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


async def error_of(call: Awaitable[Any]) -> str:
    """The Slack error code a Web API call fails with."""
    with pytest.raises(SlackApiError) as raised:
        await call
    return str(raised.value.response["error"])


def section(text: str) -> dict[str, Any]:
    return {"type": "section", "text": {"type": "mrkdwn", "text": text}}

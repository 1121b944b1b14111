"""The wall clock Slack's request signatures are checked against.

Deliberately not the app's injectable `Clock`: Slack stamps each request with real Unix time,
so the signature window and the replay memory must both follow real time (a drill's fake clock
set to next week must not forget the signatures of the last five minutes).
"""

from __future__ import annotations

import time

from slack_sdk.signature import Clock


class WallClock(Clock):
    """Unix seconds; tests hand in one they can move."""

    def now(self) -> float:
        return time.time()


class SteppedClock(WallClock):
    """A wall clock that stands still until moved (for tests of the window's edges)."""

    def __init__(self, start: float | None = None) -> None:
        self._now = time.time() if start is None else start

    def now(self) -> float:
        return self._now

    def advance(self, seconds: float) -> float:
        self._now += seconds
        return self._now

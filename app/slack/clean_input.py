"""Commands, clicks and forms: characters no store can keep are replaced before any listener
reads them, so a NUL typed into a title never blocks `/crisis open` on PostgreSQL."""

from __future__ import annotations

from collections import Counter
from collections.abc import Awaitable, Callable
from typing import Any

from app.record.sanitize import clean


async def clean_input(body: dict[str, Any], next: Callable[[], Awaitable[None]]) -> None:
    """NUL and lone surrogates become U+FFFD. Events are left as Slack sent them: the legal
    record replaces them itself and notes each replacement in the entry."""
    if body.get("type") != "event_callback":
        counts: Counter[str] = Counter()
        cleaned = clean(body, counts)
        if counts:
            body.clear()
            body.update(cleaned)
    await next()

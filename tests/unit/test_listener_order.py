"""The message listener (the hot path) is registered before every other event listener."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from app.slack.listeners import register


class RecordingApp:
    """Stands in for AsyncApp: remembers what was registered, in order."""

    def __init__(self) -> None:
        self.registered: list[tuple[str, Any]] = []

    def __getattr__(self, kind: str) -> Callable[..., Any]:
        def registrar(*args: Any, **_kwargs: Any) -> Any:
            self.registered.append((kind, args[0] if args else None))
            return lambda listener: listener

        return registrar


def test_message_events_are_matched_first() -> None:
    app = RecordingApp()
    register(app)  # type: ignore[arg-type]
    events = [name for kind, name in app.registered if kind == "event"]
    assert events[0] == "message"
    assert {"app_home_opened", "reaction_added", "tokens_revoked"} <= set(events[1:])
    middleware = [kind for kind, _ in app.registered if kind in {"use", "middleware"}]
    assert middleware, "the app_rate_limited middleware is still installed"

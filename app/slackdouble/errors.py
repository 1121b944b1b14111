"""The error a Web API method handler raises to answer `{"ok": false, ...}`."""

from __future__ import annotations

from typing import Any


class SlackError(Exception):
    """Raised by method handlers; becomes `{"ok": false, "error": code, **extra}`."""

    def __init__(self, code: str, **extra: Any) -> None:
        super().__init__(code)
        self.code = code
        self.extra = extra

    def body(self) -> dict[str, Any]:
        return {"ok": False, "error": self.code, **self.extra}


def invalid(code: str, messages: list[str]) -> SlackError:
    """An error carrying Slack's `response_metadata.messages` explanation."""
    return SlackError(code, response_metadata={"messages": messages})

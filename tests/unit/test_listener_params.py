"""Bolt passes None for a parameter name it does not know: catch a misspelling here."""

import inspect

from slack_bolt.kwargs_injection.async_args import AsyncArgs
from slack_sdk.web.async_client import AsyncWebClient

from app.main import create_app
from app.settings import load_settings
from app.store.engine import make_engine, make_session_factory

CONTEXT_KEYS = {"deps"}


def test_every_listener_asks_only_for_arguments_bolt_provides() -> None:
    settings = load_settings(SLACK_BOT_TOKEN="xoxb-x", SLACK_SIGNING_SECRET="s")
    client = AsyncWebClient(token="xoxb-x", base_url="http://127.0.0.1:9/api/")
    room = create_app(
        settings,
        client=client,
        session_factory=make_session_factory(make_engine("sqlite:///:memory:")),
    )
    known = set(inspect.signature(AsyncArgs.__init__).parameters) - {"self"} | CONTEXT_KEYS
    functions = room.bolt.registered  # listeners, middleware and the error handler
    assert len(functions) >= 4
    for function in functions:
        names = set(inspect.signature(function).parameters)
        assert names <= known | {"error"}, f"{function.__qualname__} asks for {names - known}"

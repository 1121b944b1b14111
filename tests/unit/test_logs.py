import logging
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from slack_sdk.web.async_client import AsyncWebClient

from app.harness import BOT_TOKEN, start_harness
from app.harness.seed import MARIA
from app.logs import HIDDEN, QUIET, HideContent, RedactSecrets, configure_logging, hide_content
from app.slackdouble import SlackDouble
from tests.scenarios.conftest import crisis


def test_known_secrets_and_token_shapes_are_masked() -> None:
    redactor = RedactSecrets(["s3cr3t-signing"])
    record = logging.LogRecord(
        "x", logging.INFO, __file__, 1, "token %s secret %s other %s", None, None
    )
    record.args = ("xoxb-123-456-abc", "s3cr3t-signing", "xapp-1-A0-99")
    redactor.filter(record)
    text = record.getMessage()
    assert "xoxb-" not in text and "s3cr3t" not in text and "xapp-" not in text
    assert text.count("[redacted]") == 3


def test_tracebacks_are_masked_too() -> None:
    redactor = RedactSecrets([])
    try:
        raise RuntimeError("bad token xoxb-999-leak")
    except RuntimeError:
        import sys

        record = logging.LogRecord("x", logging.ERROR, __file__, 1, "boom", None, sys.exc_info())
    redactor.filter(record)
    assert "xoxb-999" not in record.getMessage()
    assert "RuntimeError" in record.getMessage()


# -- no message text in the logs unless CRISIS_LOG_CONTENT says so ---------------------------

SECRET = "Recall of batch 42 confirmed by the CFO"


@contextmanager
def logging_as(
    level: str, *, log_content: bool = False, secrets: Iterable[str] = ()
) -> Iterator[None]:
    """configure_logging for the length of a block, then the test run's logging as it was."""
    root = logging.getLogger()
    saved = (list(root.handlers), root.level)
    quiet = {name: logging.getLogger(name).level for name in QUIET}
    configure_logging(level, secrets, log_content=log_content)
    try:
        yield
    finally:
        root.handlers[:] = saved[0]
        root.setLevel(saved[1])
        for name, was in quiet.items():
            logging.getLogger(name).setLevel(was)


async def post_secret(log_content: bool) -> None:
    async with SlackDouble() as double:
        double.add_user("U0MARIA", "maria", "Maria Rodriguez")
        room = double.add_channel("war-room", members=["U0MARIA", double.bot_user_id])
        client = AsyncWebClient(token=double.token, base_url=double.api_url)
        block = {"type": "section", "text": {"type": "mrkdwn", "text": f"*Draft:* {SECRET}"}}
        try:
            with logging_as("DEBUG", log_content=log_content):
                await client.chat_postMessage(channel=room, text=SECRET, blocks=[block])
                await client.conversations_history(channel=room)
        finally:
            if client.session is not None:
                await client.session.close()


async def test_debug_logs_show_calls_but_no_message_text(
    capsys: pytest.CaptureFixture[str],
) -> None:
    await post_secret(log_content=False)
    err = capsys.readouterr().err
    assert "Sending a request - url: POST" in err and "/api/chat.postMessage" in err
    assert "/api/conversations.history" in err and "status: 200" in err
    assert HIDDEN in err
    assert SECRET not in err and "Recall of batch" not in err


async def test_crisis_log_content_lets_the_text_through(capsys: pytest.CaptureFixture[str]) -> None:
    await post_secret(log_content=True)
    err = capsys.readouterr().err
    assert SECRET in err and HIDDEN not in err


async def test_the_running_bot_logs_no_titles_or_messages_at_debug(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    harness = await start_harness(database_url=f"sqlite:///{tmp_path / 'crisis.db'}")
    try:
        with logging_as("DEBUG", secrets=harness.settings.secrets()):
            harness.driver.forward_events()
            await crisis(harness, MARIA.id, f"open {SECRET}")
            await crisis(harness, MARIA.id, "open")  # Bolt answers with a modal: its body too
            await crisis(harness, MARIA.id, "status nonsense")  # refused: logged by verb only
            [room] = [c.id for c in harness.double.ws.channels.values() if c.is_private]
            harness.double.post_as(MARIA.id, room, f"Legal says: {SECRET}")
            await harness.double.settle()
            await harness.settle()
    finally:
        await harness.stop()
    err = capsys.readouterr().err
    assert "conversations.create" in err and "Responding with status: 200 body: " in err
    assert "refused /crisis 'status'" in err
    assert "Recall of batch" not in err and "nonsense" not in err
    assert BOT_TOKEN not in err


def test_hide_content_keeps_the_shape_of_library_lines() -> None:
    sent = (
        "Sending a request - url: POST https://slack.com/api/chat.postMessage, params: {}, "
        "files: {}, data: {}, json: {'channel': 'C1', 'text': 'secret'}, proxy: {}, headers: {}"
    )
    assert hide_content(sent) == (
        f"Sending a request - url: POST https://slack.com/api/chat.postMessage, params: {HIDDEN}"
    )
    answered = (
        "Received the following response - status: 200, headers: {'a': 'b'}, body: {'ok': True}"
    )
    assert (
        hide_content(answered)
        == f"Received the following response - status: 200, headers: {HIDDEN}"
    )
    bolt = 'Responding with status: 200 body: "Only legal can approve "secret"" (12 millis)'
    assert hide_content(bolt) == f"Responding with status: 200 body: {HIDDEN} (12 millis)"
    assert (
        hide_content("Checking listener: handle_message ...")
        == "Checking listener: handle_message ..."
    )


def test_only_slack_library_lines_below_warning_are_touched() -> None:
    def filtered(name: str, level: int) -> str:
        record = logging.LogRecord(name, level, __file__, 1, "body %s", ({"text": "x"},), None)
        HideContent().filter(record)
        return record.getMessage()

    assert filtered("slack_sdk.web.async_base_client", logging.DEBUG) == f"body {HIDDEN}"
    assert filtered("app.bolt", logging.INFO) == f"body {HIDDEN}"
    assert filtered("slack_bolt.AsyncApp", logging.DEBUG) == f"body {HIDDEN}"
    assert filtered("slack_bolt.AsyncApp", logging.WARNING) == "body {'text': 'x'}"
    assert filtered("app.slack.files", logging.DEBUG) == "body {'text': 'x'}"
    assert filtered("app.bolting", logging.DEBUG) == "body {'text': 'x'}"


def test_response_urls_are_masked_like_tokens() -> None:
    hook = "https://hooks.slack.com/actions/T0CRISIS/123456/AbCdEf0123"
    redacted = RedactSecrets([]).redact(f"Sending a request - url: {hook}, body: x")
    assert "AbCdEf0123" not in redacted and "123456" not in redacted
    assert redacted == "Sending a request - url: https://hooks.slack.com/[redacted], body: x"

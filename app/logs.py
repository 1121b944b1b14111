"""Logging set-up: one format; no token or secret ever reaches a log line, and no message text,
draft or payload does either unless CRISIS_LOG_CONTENT allows it.

At DEBUG, slack-sdk logs every request and response body (chat.postMessage text, blocks, the
drafts on approval cards) and Bolt logs what it answered. `HideContent` keeps those lines'
shape (the method and URL, the status, the timing) and replaces the bodies with one marker.
aiosqlite's DEBUG lines carry SQL parameters, so it never logs below INFO.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable

TOKEN = re.compile(r"\b(xox[abposre]|xapp)-[A-Za-z0-9-]+")
HOOK = re.compile(r"(https://hooks\.slack(?:-gov)?\.com/)[^\s'\",]+")  # response_url: a credential
MASK = "[redacted]"
HIDDEN = "[content hidden: set CRISIS_LOG_CONTENT=true to log it]"
SLACK_LOGGERS = ("slack_sdk", "slack_bolt", "app.bolt")
QUIET = ("aiosqlite", "asyncio")
# Loggers that say something at INFO on every tick ("Running job …"): warnings only.
TICKING = ("apscheduler.executors",)
_TIMED_BODY = re.compile(r"(\bbody: ).*?( \(\d+ millis\))$", re.DOTALL)
_BODY_START = re.compile(r"[{\[\"']")


class RedactSecrets(logging.Filter):
    """Rewrites each record with known secrets and anything token-shaped masked."""

    def __init__(self, secrets: Iterable[str] = ()) -> None:
        super().__init__()
        self.secrets = [s for s in secrets if len(s) >= 6]

    def redact(self, text: str) -> str:
        for secret in self.secrets:
            text = text.replace(secret, MASK)
        return HOOK.sub(r"\1" + MASK, TOKEN.sub(MASK, text))

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        if record.exc_info:
            message += "\n" + logging.Formatter().formatException(record.exc_info)
            record.exc_info = None
            record.exc_text = None
        record.msg = self.redact(message)
        record.args = None
        return True


def hide_content(message: str) -> str:
    """A Slack library's log line without what people wrote: everything from the first
    JSON-ish body on ("{", "[", a quote) becomes HIDDEN; a Bolt "body: … (N millis)" keeps
    its timing."""
    timed = _TIMED_BODY.search(message)
    if timed:
        return message[: timed.start()] + timed.group(1) + HIDDEN + timed.group(2)
    start = _BODY_START.search(message)
    return message if start is None else message[: start.start()] + HIDDEN


class HideContent(logging.Filter):
    """Below WARNING, the lines of slack-sdk and Bolt lose their bodies (see hide_content)."""

    def filter(self, record: logging.LogRecord) -> bool:
        if record.levelno >= logging.WARNING or not _from_slack(record.name):
            return True
        message = record.getMessage()
        hidden = hide_content(message)
        if hidden != message:
            record.msg, record.args = hidden, None
        return True


def _from_slack(name: str) -> bool:
    return any(name == prefix or name.startswith(prefix + ".") for prefix in SLACK_LOGGERS)


def configure_logging(level: str, secrets: Iterable[str], *, log_content: bool = False) -> None:
    handler = logging.StreamHandler()
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    if not log_content:
        handler.addFilter(HideContent())
    handler.addFilter(RedactSecrets(secrets))
    root = logging.getLogger()
    for old in list(root.handlers):
        root.removeHandler(old)
    root.addHandler(handler)
    root.setLevel(level)
    for noisy in QUIET:
        logging.getLogger(noisy).setLevel(max(logging.INFO, logging.getLevelName(level)))
    for ticking in TICKING:
        logging.getLogger(ticking).setLevel(max(logging.WARNING, logging.getLevelName(level)))

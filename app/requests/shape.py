"""What a Slack request at POST /slack/events must look like before Bolt is asked to run it.

Slack sends three shapes: Events API callbacks as a JSON object with a string `type`;
slash commands as a form with `command`; interactions (clicks, submissions, shortcuts) as a
form whose `payload` is a JSON object with a string `type`. Anything else is a malformed
request and gets 400, so it never reaches Bolt (where it would end as a 500 and a traceback).

The body is parsed once, here: what was checked is what Bolt is handed (`Shape.body`, the dict
Bolt would have parsed itself: the JSON object, the interaction's payload, or the command's
form fields; of a field sent twice, the first, the one checked), so Bolt never parses the
request again.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any
from urllib.parse import parse_qs

FORM = "application/x-www-form-urlencoded"
JSON = "application/json"


class Kind(StrEnum):
    EVENT = "event"  # Events API (and url_verification)
    COMMAND = "command"  # slash command
    INTERACTION = "interaction"  # block_actions, view_submission, shortcut, …
    SSL_CHECK = "ssl_check"  # Slack checking the certificate of a command URL


@dataclass(frozen=True)
class Shape:
    """A request that looks like one Slack sends (`problem` is None), or why it does not."""

    kind: Kind | None
    problem: str | None = None
    event_type: str | None = None  # an event callback's inner event type
    body: dict[str, Any] = field(default_factory=dict)  # the request as Bolt reads it

    @property
    def ok(self) -> bool:
        return self.problem is None


def classify(body: str, content_type: str) -> Shape:
    """The kind of request this body is, or the problem that makes it malformed."""
    media = content_type.split(";", 1)[0].strip().lower()
    if media == JSON:
        return _event(body)
    if media == FORM:
        return _form(body)
    return Shape(None, f"unsupported content type {media or '(none)'!r}")


def _event(body: str) -> Shape:
    parsed, problem = _json_object(body, "body")
    if parsed is None:
        return Shape(None, problem)
    if parsed["type"] != "event_callback":
        return Shape(Kind.EVENT, body=parsed)
    event = parsed.get("event")
    if not isinstance(event, dict) or not _typed(event):
        return Shape(None, "the event callback has no event object with a type")
    return Shape(Kind.EVENT, event_type=str(event["type"]), body=parsed)


def _form(body: str) -> Shape:
    try:
        fields = parse_qs(body, keep_blank_values=True, strict_parsing=bool(body))
    except ValueError:
        return Shape(None, "the form does not parse")
    if "payload" in fields:
        parsed, problem = _json_object(fields["payload"][0], "payload")
        problem = problem or _interaction_problem(parsed or {})
        return Shape(None, problem) if problem else Shape(Kind.INTERACTION, body=parsed or {})
    if fields.get("ssl_check") == ["1"]:
        return Shape(Kind.SSL_CHECK)
    if not fields.get("command", [""])[0].startswith("/"):
        return Shape(None, "the form has neither a payload nor a command")
    if not all(fields.get(name, [""])[0] for name in ("user_id", "channel_id")):
        return Shape(None, "the command names no user or channel")
    return Shape(Kind.COMMAND, body={name: values[0] for name, values in fields.items()})


def _interaction_problem(payload: dict[str, Any]) -> str | None:
    """What Slack always sends with an interaction and Bolt relies on, when it is missing."""
    user = payload.get("user")
    if not isinstance(user, dict) or not isinstance(user.get("id"), str):
        return "the payload has no user object with an id"
    actions = payload.get("actions", [])
    if not isinstance(actions, list) or not all(isinstance(a, dict) for a in actions):
        return "the payload's actions are not a list of objects"
    if "view" in payload and not _typed(payload["view"]):
        return "the payload's view is not an object with a type"
    return None


def _typed(value: object) -> bool:
    return isinstance(value, dict) and isinstance(value.get("type"), str)


def _json_object(text: str, what: str) -> tuple[dict[str, Any] | None, str | None]:
    try:
        parsed = json.loads(text)
    except (json.JSONDecodeError, RecursionError):
        return None, f"the {what} is not JSON"
    if not isinstance(parsed, dict):
        return None, f"the {what} is not a JSON object"
    if not isinstance(parsed.get("type"), str) or not parsed["type"]:
        return None, f"the {what} has no string type"
    return parsed, None

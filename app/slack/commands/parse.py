"""Turn the text after /crisis into a typed command, or a BadCommand saying what to type."""

from __future__ import annotations

import re
from collections.abc import Callable

from app.errors import BadCommand
from app.incidents.hold_models import REASON_MAX as HOLD_REASON_MAX
from app.incidents.models import Status
from app.metrics.values import BadMetric, checked_source, metric_name, parse_value
from app.record.export.formats import EXPORT_FORMATS
from app.roles.models import ROLE_NAMES, Role
from app.slack.blocks.text import escape, safe
from app.slack.commands.grammar import (
    USAGE,
    Archive,
    Command,
    CreateMetricFeed,
    Export,
    Help,
    Hold,
    LibraryAdd,
    LibraryEdit,
    LibraryList,
    LibraryShow,
    ListActions,
    ListIncidents,
    ListRoles,
    Open,
    PostUpdate,
    Propose,
    ProposeFromLibrary,
    RecordMetric,
    Release,
    Reopen,
    Resolve,
    RevokeMetricFeeds,
    RoleAdd,
    RoleRemove,
    SetCadence,
    SetStatus,
    ShowCadence,
    ShowMetrics,
    ShowPolicy,
    StartReview,
)
from app.updates.durations import parse_duration
from app.updates.models import RESOLUTION_MAX

USER_MENTION = re.compile(r"^<@([UW][A-Z0-9]+)(?:\|[^>]*)?>$")
MAX_TITLE = 300


def refused(line: str) -> BadCommand:
    """A refusal of what was typed; its line is mrkdwn (typed words escaped, `USAGE` lines)."""
    return BadCommand(line, mrkdwn=True)


def parse(text: str) -> Command:
    words = text.strip().split(None, 1)
    if not words:
        return Help()
    name, rest = words[0].lower(), (words[1] if len(words) > 1 else "")
    parser = PARSERS.get(name)
    if parser is None:
        raise refused(
            f"I don't know `/crisis {clip_word(words[0])}`. Try `/crisis help` for the list."
        )
    return parser(rest.strip())


def clip_word(word: str) -> str:
    """What the person typed, to quote in an error: escaped mrkdwn of at most 30 characters."""
    return safe(word.replace("`", "'"), 30)


def _help(_rest: str) -> Command:
    return Help()


def _open(rest: str) -> Command:
    crisis_kind = None
    words = rest.split(None, 2)
    if words and words[0].lower() == "--kind":
        if len(words) < 2:
            raise refused(f"Name the kind of crisis after `--kind`. Usage: {USAGE['open']}.")
        crisis_kind, rest = words[1].lower(), (words[2] if len(words) > 2 else "")
    if len(rest) > MAX_TITLE:
        raise refused(f"That title is {len(rest)} characters; keep it under {MAX_TITLE}.")
    return Open(title=rest, crisis_kind=crisis_kind)


def _bare(name: str, command: Command) -> Callable[[str], Command]:
    def parse_bare(rest: str) -> Command:
        if rest:
            raise refused(f"`/crisis {name}` takes nothing after it. {USAGE[name]}.")
        return command

    return parse_bare


def _propose(rest: str) -> Command:
    if rest.split(None, 1)[:1] == [FROM_LIBRARY]:
        key = rest[len(FROM_LIBRARY) :].strip()
        if not key or len(key.split()) > 1:
            raise refused(f"Name one library statement. Usage: {USAGE['propose']}.")
        return ProposeFromLibrary(key)
    if len(rest) > MAX_TITLE:
        raise refused(f"That title is {len(rest)} characters; keep it under {MAX_TITLE}.")
    return Propose(title=rest)


FROM_LIBRARY = "--from-library"


def _library(rest: str) -> Command:
    words = rest.split()
    if not words:
        return LibraryList()
    verb, keys = words[0].lower(), words[1:]
    if verb == "add" and not keys:
        return LibraryAdd()
    if verb in {"show", "edit"} and len(keys) == 1:
        return LibraryShow(keys[0]) if verb == "show" else LibraryEdit(keys[0])
    raise refused(f"Usage: {USAGE['library']}.")


def _role(rest: str) -> Command:
    words = rest.split()
    backup = "--backup" in (word.lower() for word in words)
    words = [word for word in words if word.lower() != "--backup"]
    if not words or words[0].lower() not in {"add", "remove"}:
        raise refused(f"Say whether to add or remove. Usage: {USAGE['role']}.")
    verb = words[0].lower()
    if len(words) < 2:
        raise refused(f"Name a role ({ROLE_NAMES}). Usage: {USAGE['role']}.")
    role = parse_role(words[1])
    if len(words) < 3:
        raise refused(f"Mention at least one person, like `@maria`. Usage: {USAGE['role']}.")
    users = tuple(dict.fromkeys(parse_user(word) for word in words[2:]))
    if verb == "remove" and backup:
        raise refused("`--backup` is for `role add`; `role remove` takes a backup off too.")
    return RoleAdd(role, users, backup) if verb == "add" else RoleRemove(role, users)


def parse_role(word: str) -> Role:
    try:
        return Role(word.lower())
    except ValueError:
        raise refused(f"`{clip_word(word)}` is not a role. The roles are {ROLE_NAMES}.") from None


def parse_user(word: str) -> str:
    match = USER_MENTION.match(word)
    if match is None:
        raise refused(f"`{clip_word(word)}` is not a person. Mention people with @, like `@maria`.")
    return match.group(1)


PAUSE_WORDS = {"off", "pause", "paused", "none", "stop"}
STATUS_CHOICES = "investigating, responding or monitoring"


def _cadence(rest: str) -> Command:
    if not rest:
        return ShowCadence()
    if rest.lower() in PAUSE_WORDS:
        return SetCadence(seconds=None)
    return SetCadence(seconds=parse_duration(rest))


def _status(rest: str) -> Command:
    if not rest:
        raise refused(f"Name the new status: {STATUS_CHOICES}. Usage: {USAGE['status']}.")
    try:
        status = Status(rest.lower())
    except ValueError:
        raise refused(
            f"`{clip_word(rest)}` is not a status. Choose {STATUS_CHOICES}: "
            "`/crisis status monitoring`."
        ) from None
    if status == Status.RESOLVED:
        raise refused("To resolve, type `/crisis resolve`: it asks for a short summary.")
    return SetStatus(status)


def _resolve(rest: str) -> Command:
    if len(rest) > RESOLUTION_MAX:
        raise refused(
            f"That summary is {len(rest)} characters; keep it under {RESOLUTION_MAX}, "
            "or type `/crisis resolve` alone for the form."
        )
    return Resolve(summary=rest)


def _export(rest: str) -> Command:
    fmt = {"": "html", "markdown": "md", "json": "jsonl"}.get(rest.lower(), rest.lower())
    if fmt not in EXPORT_FORMATS:
        raise refused(f"`{clip_word(rest)}` is not an export format. Usage: {USAGE['export']}.")
    return Export(fmt)


def _hold(rest: str) -> Command:
    if len(rest) > HOLD_REASON_MAX:
        raise refused(f"That reason is {len(rest)} characters; keep it under {HOLD_REASON_MAX}.")
    return Hold(reason=rest)


def _metric(rest: str) -> Command:
    """`metric` lists; `metric <name> <value>[unit] [source…]` records; `metric feed [revoke]`
    makes or ends the war room's hook keys (so `feed` is no metric's name)."""
    words = rest.split()
    if not words:
        return ShowMetrics()
    if words[0].lower() == "feed":
        return _metric_feed(words[1:])
    if len(words) < 2:
        raise refused(f"Give `{clip_word(words[0])}` a value. Usage: {USAGE['metric']}.")
    name, value, *source = rest.split(None, 2)
    try:
        metric = metric_name(name)
        number, unit = parse_value(value)
        return RecordMetric(metric, number, unit, checked_source(source[0] if source else ""))
    except BadMetric as error:
        raise refused(f"{escape(str(error))} Usage: {USAGE['metric']}.") from None


def _metric_feed(words: list[str]) -> Command:
    if not words:
        return CreateMetricFeed()
    if len(words) == 1 and words[0].lower() == "revoke":
        return RevokeMetricFeeds()
    raise refused(f"Only `revoke` may follow `/crisis metric feed`. Usage: {USAGE['metric']}.")


PARSERS: dict[str, Callable[[str], Command]] = {
    "help": _help,
    "open": _open,
    "role": _role,
    "roles": _bare("roles", ListRoles()),
    "actions": _bare("actions", ListActions()),
    "policy": _bare("policy", ShowPolicy()),
    "propose": _propose,
    "update": _bare("update", PostUpdate()),
    "cadence": _cadence,
    "status": _status,
    "resolve": _resolve,
    "reopen": _bare("reopen", Reopen()),
    "export": _export,
    "list": _bare("list", ListIncidents()),
    "review": _bare("review", StartReview()),
    "archive": _bare("archive", Archive()),
    "hold": _hold,
    "release": _bare("release", Release()),
    "library": _library,
    "metric": _metric,
}

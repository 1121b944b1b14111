"""Typed commands and their usage lines."""

from __future__ import annotations

from dataclasses import dataclass

from app.incidents.models import Status
from app.record.export.formats import EXPORT_FORMATS
from app.roles.models import Role
from app.slack.blocks.text import escape

# How each command is typed, as plain text: `<title>` is a placeholder, not Slack markup.
USAGE_AS_TYPED: dict[str, str] = {
    "open": (
        "`/crisis open <title>` opens a war room (or `/crisis open` for the full form;"
        " `/crisis open --kind <kind> <title>` starts it from that kind's playbook)"
    ),
    "role": (
        "`/crisis role add <role> @person … [--backup]` or `/crisis role remove <role> @person …`"
    ),
    "roles": "`/crisis roles` lists who holds each standing role",
    "propose": "`/crisis propose <title>` proposes an action for approval (in a war room); "
    "`/crisis propose --from-library <key>` proposes a holding statement from the library",
    "library": "`/crisis library` lists the holding statements; `/crisis library show <key>` "
    "shows its versions; `/crisis library add`, `/crisis library edit <key>` (lead and legal)",
    "actions": "`/crisis actions` lists this war room's actions and their approvals",
    "policy": "`/crisis policy` shows which roles must approve each kind of action",
    "update": "`/crisis update` posts a stakeholder update from a form (in a war room)",
    "metric": "`/crisis metric <name> <value>[unit] [source]` records a metric "
    "(`/crisis metric views 2.7M tiktok`); `/crisis metric` lists them; "
    "`/crisis metric feed [revoke]` makes (or ends) a key for the metrics hook (lead, social)",
    "cadence": "`/crisis cadence` shows how often updates are due; `/crisis cadence 45m` changes "
    "it (`2h`, `1h30m`, `30s`), `/crisis cadence off` pauses reminders",
    "status": "`/crisis status <investigating|responding|monitoring>` changes the status "
    "without a full update",
    "resolve": "`/crisis resolve [summary]` resolves the incident and stops update reminders",
    "reopen": "`/crisis reopen` reopens a resolved incident and resumes update reminders",
    "export": f"`/crisis export [{'|'.join(EXPORT_FORMATS)}]` uploads the war room's legal record "
    "to it with its final hash (lead and legal)",
    "list": "`/crisis list` shows every active incident: status, lead, next update due",
    "review": "`/crisis review` runs the post-incident review of a resolved war room (lead)",
    "archive": "`/crisis archive` archives a resolved war room; its record stays (lead)",
    "hold": "`/crisis hold [reason]` puts the incident on legal hold: never purged or archived "
    "(Legal)",
    "release": "`/crisis release` releases the legal hold (Legal)",
    "help": "`/crisis help` shows this list",
}
# The same lines as mrkdwn, escaped once, so Slack shows `<title>` instead of swallowing it.
USAGE: dict[str, str] = {name: escape(line) for name, line in USAGE_AS_TYPED.items()}


@dataclass(frozen=True)
class Help:
    pass


@dataclass(frozen=True)
class Open:
    title: str
    crisis_kind: str | None = None  # `--kind <key>`: the playbook; None: the first one


@dataclass(frozen=True)
class RoleAdd:
    role: Role
    users: tuple[str, ...]
    backup: bool = False  # `--backup`: asked only when an approval of the role stalls


@dataclass(frozen=True)
class RoleRemove:
    role: Role
    users: tuple[str, ...]


@dataclass(frozen=True)
class ListRoles:
    pass


@dataclass(frozen=True)
class Propose:
    title: str


@dataclass(frozen=True)
class ListActions:
    pass


@dataclass(frozen=True)
class ShowPolicy:
    pass


@dataclass(frozen=True)
class PostUpdate:
    pass


@dataclass(frozen=True)
class ShowCadence:
    pass


@dataclass(frozen=True)
class SetCadence:
    seconds: int | None  # None pauses reminders


@dataclass(frozen=True)
class SetStatus:
    status: Status


@dataclass(frozen=True)
class Resolve:
    summary: str


@dataclass(frozen=True)
class Reopen:
    pass


@dataclass(frozen=True)
class Export:
    fmt: str = "html"


@dataclass(frozen=True)
class ListIncidents:
    pass


@dataclass(frozen=True)
class StartReview:
    pass


@dataclass(frozen=True)
class Archive:
    pass


@dataclass(frozen=True)
class Hold:
    reason: str = ""


@dataclass(frozen=True)
class Release:
    pass


@dataclass(frozen=True)
class LibraryList:
    pass


@dataclass(frozen=True)
class LibraryShow:
    key: str


@dataclass(frozen=True)
class LibraryAdd:
    pass


@dataclass(frozen=True)
class LibraryEdit:
    key: str


@dataclass(frozen=True)
class ProposeFromLibrary:
    key: str


@dataclass(frozen=True)
class RecordMetric:
    metric: str
    value: float
    unit: str = ""
    source: str = ""  # as typed, possibly several words; may be empty


@dataclass(frozen=True)
class ShowMetrics:
    pass


@dataclass(frozen=True)
class CreateMetricFeed:
    pass


@dataclass(frozen=True)
class RevokeMetricFeeds:
    pass


Command = (
    Help
    | Open
    | RoleAdd
    | RoleRemove
    | ListRoles
    | Propose
    | ListActions
    | ShowPolicy
    | PostUpdate
    | ShowCadence
    | SetCadence
    | SetStatus
    | Resolve
    | Reopen
    | Export
    | ListIncidents
    | StartReview
    | Archive
    | Hold
    | Release
    | LibraryList
    | LibraryShow
    | LibraryAdd
    | LibraryEdit
    | ProposeFromLibrary
    | RecordMetric
    | ShowMetrics
    | CreateMetricFeed
    | RevokeMetricFeeds
)

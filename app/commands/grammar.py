"""Typed commands and their usage lines."""

from __future__ import annotations

from dataclasses import dataclass

from app.roles.models import Role

USAGE: dict[str, str] = {
    "open": "`/crisis open <title>` opens a war room (or `/crisis open` for the full form)",
    "role": "`/crisis role add <role> @person …` or `/crisis role remove <role> @person …`",
    "roles": "`/crisis roles` lists who holds each standing role",
    "propose": "`/crisis propose <title>` proposes an action for approval (in a war room)",
    "actions": "`/crisis actions` lists this war room's actions and their approvals",
    "policy": "`/crisis policy` shows which roles must approve each kind of action",
    "help": "`/crisis help` shows this list",
}

ROLE_NAMES = ", ".join(role.value for role in Role)


@dataclass(frozen=True)
class Help:
    pass


@dataclass(frozen=True)
class Open:
    title: str


@dataclass(frozen=True)
class RoleAdd:
    role: Role
    users: tuple[str, ...]


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


Command = Help | Open | RoleAdd | RoleRemove | ListRoles | Propose | ListActions | ShowPolicy

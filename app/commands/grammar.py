"""Typed commands and their usage lines."""

from __future__ import annotations

from dataclasses import dataclass

from app.roles.models import Role

USAGE: dict[str, str] = {
    "open": "`/crisis open <title>` opens a war room (or `/crisis open` for the full form)",
    "role": "`/crisis role add <role> @person …` or `/crisis role remove <role> @person …`",
    "roles": "`/crisis roles` lists who holds each standing role",
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


Command = Help | Open | RoleAdd | RoleRemove | ListRoles

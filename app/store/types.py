"""Column types shared by the models."""

from __future__ import annotations

from datetime import UTC, datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import DateTime, String
from sqlalchemy.engine import Dialect
from sqlalchemy.types import TypeDecorator


class UTCDateTime(TypeDecorator[datetime]):
    """Timezone-aware UTC datetimes on every backend (SQLite stores no zone)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> Any:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime: every time in Crisis Room is timezone-aware")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


class StrEnumType(TypeDecorator[StrEnum]):
    """A StrEnum stored as its value in a VARCHAR(length) and loaded back as the enum.

    The database sees the same VARCHAR as a plain String(length) column, so switching a column
    to this type needs no migration. A value outside the enum is refused before it is written.
    """

    impl = String
    cache_ok = True

    def __init__(self, enum: type[StrEnum], length: int) -> None:
        super().__init__(length)
        self.enum = enum

    @property
    def python_type(self) -> type[StrEnum]:
        return self.enum

    def process_bind_param(self, value: Any, dialect: Dialect) -> str | None:
        return None if value is None else self.enum(value).value

    def process_result_value(self, value: Any, dialect: Dialect) -> StrEnum | None:
        return None if value is None else self.enum(value)


class EnumFields:
    """Mix into a table model (before SQLModel) so enum columns hold their enum in memory too.

    SQLModel does not validate table models, so `Incident(status="resolved")` or
    `incident.status = "resolved"` would otherwise keep a plain str until the row is reloaded.
    """

    def __setattr__(self, name: str, value: Any) -> None:
        super().__setattr__(name, _as_enum(type(self), name, value))


def _as_enum(model: type, name: str, value: Any) -> Any:
    if value is None or name.startswith("_"):
        return value
    table = getattr(model, "__table__", None)
    column = table.columns.get(name) if table is not None else None
    if column is None or not isinstance(column.type, StrEnumType):
        return value
    return column.type.enum(value)

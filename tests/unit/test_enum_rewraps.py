"""Enum columns load as their enum, so nothing in app/ wraps a loaded attribute in it again."""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

from sqlmodel import SQLModel

import app.models  # noqa: F401  (every table on the metadata)
from app.store.types import StrEnumType

APP = Path(__file__).resolve().parents[2] / "app"


def enum_columns() -> dict[str, set[str]]:
    """Enum class name → the attribute names of the columns that load as it."""
    found: dict[str, set[str]] = {}
    for table in SQLModel.metadata.tables.values():
        for column in table.columns:
            if isinstance(column.type, StrEnumType):
                found.setdefault(column.type.enum.__name__, set()).add(column.key)
    return found


def rewraps(tree: ast.AST, columns: dict[str, set[str]]) -> Iterator[tuple[int, str]]:
    for node in ast.walk(tree):
        if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Name)):
            continue
        names = columns.get(node.func.id, set())
        [argument] = node.args if len(node.args) == 1 else [None]
        if isinstance(argument, ast.Attribute) and argument.attr in names:
            yield node.lineno, f"{node.func.id}(….{argument.attr})"


def test_the_enum_columns_are_the_ones_code_used_to_rewrap() -> None:
    columns = enum_columns()
    assert columns["ActionState"] == {"state"} and columns["Role"] == {"role"}
    assert {"status", "severity", "kind"} <= set().union(*columns.values())
    assert {"Category", "CopyKind", "DecisionState", "ReminderKind", "UpdateKind"} <= set(columns)


def test_no_loaded_enum_attribute_is_wrapped_again() -> None:
    columns = enum_columns()
    found = [
        f"{path.relative_to(APP.parent)}:{line}: {call}"
        for path in sorted(APP.rglob("*.py"))
        for line, call in rewraps(ast.parse(path.read_text(encoding="utf-8")), columns)
    ]
    assert found == []


def test_the_check_sees_a_rewrap() -> None:
    sample = ast.parse("label = ActionState(action.state).label\nrole = Role(parts[2])\n")
    assert list(rewraps(sample, enum_columns())) == [(1, "ActionState(….state)")]

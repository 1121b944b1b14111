"""Every row that belongs to one incident, found from the schema rather than a list.

A table belongs to the incident when it has a foreign key to `incident.id`, a foreign key to
a table that belongs to it (an action's approvals, revisions and card copies), or an
`incident_id` column. Tables added later are found the same way, so a purge never leaves an
incident's rows behind. The purge log and its grant are not the incident's: they outlive it.
"""

from __future__ import annotations

from sqlalchemy import ColumnElement, Table, false, or_, select
from sqlmodel import SQLModel

OUTLIVING = frozenset({"purge_log", "purge_grant", "record_file"})


def owned_rows(incident_id: int) -> list[tuple[Table, ColumnElement[bool]]]:
    """(table, where) for every table holding the incident's rows, children first, the
    incident's own row last."""
    found: dict[str, tuple[Table, ColumnElement[bool]]] = {}
    for table in SQLModel.metadata.sorted_tables:  # parents before children
        if table.name in OUTLIVING:
            continue
        where = _where(table, incident_id, found)
        if where is not None:
            found[table.name] = (table, where)
    return list(reversed(found.values()))


def _where(
    table: Table, incident_id: int, found: dict[str, tuple[Table, ColumnElement[bool]]]
) -> ColumnElement[bool] | None:
    if table.name == "incident":
        return table.c.id == incident_id
    clauses: list[ColumnElement[bool]] = []
    for column in table.columns:
        for key in column.foreign_keys:
            parent = key.column.table
            if parent.name == "incident":
                clauses.append(column == incident_id)
            elif parent.name in found and parent.name != table.name:
                parent_where = found[parent.name][1]
                clauses.append(column.in_(select(key.column).where(parent_where)))
    if not clauses and "incident_id" in table.c:
        clauses.append(table.c.incident_id == incident_id)
    if not clauses:
        return None
    return or_(false(), *clauses)

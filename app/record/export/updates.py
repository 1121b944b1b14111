"""Stakeholder updates read back from the record as the war room read them.

Each `update.post` entry keeps what was posted: its status, what changed, the actions taken,
the next steps and the key metrics, in the order the posted update showed them.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime
from typing import Any

from app.record.export.model import Act, Update

SECTIONS = (
    ("changed", "What changed"),
    ("actions", "Actions taken"),
    ("next_steps", "Next steps"),
    ("metrics", "Key metrics"),
)
SKIPPED = {"update_id", "status", "previous_status", "changed", "actions", "next_steps"}
SKIPPED |= {"metrics", "next_due"}


def updates(acts: Iterable[Act], names: Mapping[str, str]) -> list[Update]:
    """Every posted update, oldest first, with the person who posted it named."""
    return [
        _update(act, names.get(act.user_id) or act.user_id or "unknown")
        for act in acts
        if act.action == "update.post"
    ]


def _update(act: Act, who: str) -> Update:
    detail = act.detail
    status = str(detail.get("status") or "")
    resolution = status == "resolved"
    sections = [
        ("Resolution" if resolution and key == "changed" else label, _text(detail.get(key)))
        for key, label in SECTIONS
    ]
    sections += [
        (key.replace("_", " ").capitalize(), _text(value))
        for key, value in detail.items()
        if key not in SKIPPED
    ]
    return Update(
        when=act.when,
        who=who,
        kind="Resolution" if resolution else "Update",
        status=status.capitalize(),
        previous_status=str(detail.get("previous_status") or "").capitalize(),
        sections=tuple((label, text) for label, text in sections if text),
        next_due=_due(detail.get("next_due")),
    )


def _text(value: Any) -> str:
    if value in (None, "", [], {}):
        return ""
    return ", ".join(map(str, value)) if isinstance(value, list) else str(value)


def _due(value: Any) -> datetime | None:
    try:
        return datetime.fromisoformat(str(value)) if value else None
    except ValueError:
        return None

"""Reading modal submissions: input values and the facts a modal carries in private_metadata."""

from __future__ import annotations

import json
from typing import Any

from app.errors import BadCommand

LOST = "This form lost track of what it was for; close it and start again from the card."


def field(values: dict[str, Any], block_id: str) -> dict[str, Any]:
    """The state of the input whose block and element share `block_id` (empty when missing)."""
    return values.get(block_id, {}).get(block_id, {}) or {}


def text(values: dict[str, Any], block_id: str) -> str:
    return (field(values, block_id).get("value") or "").strip()


def selected(values: dict[str, Any], block_id: str) -> str:
    """The value of the option chosen in a select or radio input ("" when none is)."""
    return str((field(values, block_id).get("selected_option") or {}).get("value") or "")


def dump(**facts: Any) -> str:
    return json.dumps(facts, separators=(",", ":"))


def load(raw: str | None, *keys: str) -> dict[str, Any]:
    """The facts a modal was opened with; a form that lost them cannot be acted on."""
    try:
        facts = json.loads(raw or "")
    except ValueError:
        raise BadCommand(LOST) from None
    if not isinstance(facts, dict) or any(key not in facts for key in keys):
        raise BadCommand(LOST)
    return facts


def too_long(value: str, limit: int, what: str) -> str | None:
    if len(value) > limit:
        return f"{what} is {len(value)} characters; keep it to {limit}."
    return None

"""What a person submits about an incident's progress, as plain values: an update, a resolution.

The Slack adapter reads these from the update and resolve modals
(app/slack/blocks/updates/modals.py); the flows take them as they are.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from app.updates.service import UpdateDraft


@dataclass(frozen=True)
class UpdateForm:
    incident_id: int
    draft: UpdateDraft
    # The update worded per audience (app/update_variants/): audience name -> text, optional.
    variants: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class ResolveForm:
    incident_id: int
    summary: str

"""What a person asks of the library, as plain values read from Slack forms."""

from __future__ import annotations

from dataclasses import dataclass, field

from app.roles.models import Role


@dataclass(frozen=True)
class RejectForm:
    version_id: int
    role: Role
    reason: str


@dataclass(frozen=True)
class UseForm:
    """A library statement proposed in a war room: the words as submitted, the values filled."""

    incident_id: int
    version_id: int
    title: str
    text: str
    values: dict[str, str] = field(default_factory=dict)
    # Audience variants (audience name -> text): the library approved none, so any variant
    # means the full approval.
    variants: dict[str, str] = field(default_factory=dict)

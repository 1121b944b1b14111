"""The brief's buttons: use a holding statement, and tick (or untick) a step by hand."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from slack_sdk.models.blocks import ActionsBlock, ButtonElement, Option, StaticSelectElement

from app.errors import BadCommand
from app.playbooks.models import ChecklistItem
from app.slack.blocks import brief_ids as ids
from app.slack.blocks.text import clip

LOST = "That button lost track of its war room; use the brief pinned in the war room."


@dataclass(frozen=True)
class TickChoice:
    """What an option of the tick select asks for."""

    incident_id: int
    step: str
    ticked: bool

    def dump(self) -> str:
        return f"{self.incident_id}:{self.step}:{'tick' if self.ticked else 'untick'}"

    @classmethod
    def load(cls, value: str | None) -> TickChoice:
        try:
            incident_id, step, what = (value or "").split(":", 2)
            return cls(int(incident_id), step, what == "tick")
        except ValueError:
            raise BadCommand(LOST) from None


def load_incident_id(value: str | None) -> int:
    """The incident id a brief button carries."""
    try:
        return int(value or "")
    except ValueError:
        raise BadCommand(LOST) from None


def brief_buttons(incident_id: int, items: Sequence[ChecklistItem]) -> ActionsBlock:
    """[Use a holding statement] and, when some steps tick only by hand, the select for them."""
    elements: list[ButtonElement | StaticSelectElement] = [
        ButtonElement(
            action_id=ids.USE_STATEMENT,
            text="Use a holding statement",
            value=str(incident_id),
        )
    ]
    options = [_option(incident_id, item) for item in items if not item.ticks_on]
    if options:
        elements.append(
            StaticSelectElement(
                action_id=ids.TICK_STEP, placeholder="Tick a step (lead)", options=options[:100]
            )
        )
    return ActionsBlock(block_id=ids.BRIEF_BUTTONS, elements=elements)


def _option(incident_id: int, item: ChecklistItem) -> Option:
    ticked = item.ticked_at is not None
    verb = "Untick" if ticked else "Tick"
    label = clip(f"{verb} {item.step.capitalize()}: {item.label}", 75)
    return Option(value=TickChoice(incident_id, item.step, not ticked).dump(), label=label)

"""A playbook, as plain values: per kind of crisis (and optionally per severity) the actions
proposed at open, the update cadence, who else to invite, and the war-room checklist."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from enum import StrEnum

from app.approvals.policy import Category
from app.incidents.models import Severity
from app.metrics.thresholds import MetricsPlan
from app.roles.models import Role


class Step(StrEnum):
    """The war-room method, in its order."""

    ASSESS = "assess"
    COMMUNICATE = "communicate"
    ENGAGE = "engage"
    COORDINATE = "coordinate"
    UPDATE = "update"
    EMPATHIZE = "empathize"
    PLAN = "plan"
    MONITOR = "monitor"
    REVIEW = "review"


class TickEvent(StrEnum):
    """What the bot sees happen that can tick a checklist item."""

    STATEMENT_APPROVED = "statement_approved"  # a public statement was approved
    ACTION_APPROVED = "action_approved"  # any proposed action was approved
    UPDATE_POSTED = "update_posted"  # a stakeholder update was posted

    @property
    def label(self) -> str:
        return {
            "statement_approved": "statement approved",
            "action_approved": "action approved",
            "update_posted": "update posted",
        }[self.value]


STEP_NAMES = ", ".join(step.value for step in Step)
EVENT_NAMES = ", ".join(event.value for event in TickEvent)


@dataclass(frozen=True)
class PlannedAction:
    """An action proposed automatically when a war room of this kind opens."""

    title: str
    category: Category
    owner_role: Role | None = None
    details: str = ""
    statement: str | None = None  # the key of a holding statement in the library

    def full_details(self) -> str:
        """The details the proposed action carries: the playbook's, then where to start."""
        parts = [self.details.strip()] if self.details.strip() else []
        if self.statement:
            parts.append(f"Start from holding statement {self.statement}.")
        return "\n\n".join(parts)


@dataclass(frozen=True)
class ChecklistEntry:
    step: Step
    label: str
    ticks_on: TickEvent | None = None


@dataclass(frozen=True)
class Playbook:
    """One kind of crisis, as it applies to one severity once `for_severity` has been asked."""

    key: str
    label: str
    actions: tuple[PlannedAction, ...] = ()
    cadence_minutes: int | None = None
    invite: tuple[str, ...] = ()
    invite_groups: tuple[str, ...] = ()
    checklist: tuple[ChecklistEntry, ...] = ()
    by_severity: Mapping[Severity, SeverityOverride] = field(default_factory=dict)
    metrics: MetricsPlan = field(default_factory=MetricsPlan)  # expected feeds, thresholds

    def for_severity(self, severity: Severity) -> Playbook:
        """This playbook with the fields its severity's entry names replaced."""
        override = self.by_severity.get(Severity(severity))
        if override is None:
            return self
        return replace(
            self,
            actions=self.actions if override.actions is None else override.actions,
            cadence_minutes=override.cadence_minutes or self.cadence_minutes,
            invite=self.invite if override.invite is None else override.invite,
            invite_groups=(
                self.invite_groups if override.invite_groups is None else override.invite_groups
            ),
            by_severity={},
        )


@dataclass(frozen=True)
class SeverityOverride:
    """What one severity changes; None keeps the kind's own value."""

    actions: tuple[PlannedAction, ...] | None = None
    cadence_minutes: int | None = None
    invite: tuple[str, ...] | None = None
    invite_groups: tuple[str, ...] | None = None


@dataclass(frozen=True)
class Playbooks:
    """Every kind of crisis the file knows, in the file's order (the first is the default)."""

    kinds: Mapping[str, Playbook]
    source: str = ""

    @property
    def default(self) -> Playbook:
        return next(iter(self.kinds.values()))

    def get(self, key: str | None) -> Playbook | None:
        return self.default if not key else self.kinds.get(key)

    def names(self) -> str:
        return ", ".join(self.kinds)

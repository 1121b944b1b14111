"""Reading and checking a playbook file (CRISIS_PLAYBOOK_FILE, or the shipped default.yml).

Every mistake is found, not just the first: each becomes one line naming the file, the place
(`kinds.product_recall.actions[2].category`) and what to write instead.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import yaml

from app.approvals.policy import CATEGORY_NAMES, Category
from app.incidents.models import Severity
from app.playbooks.book import (
    EVENT_NAMES,
    STEP_NAMES,
    ChecklistEntry,
    PlannedAction,
    Playbook,
    Playbooks,
    SeverityOverride,
    Step,
    TickEvent,
)
from app.playbooks.errors import PlaybookError
from app.playbooks.load_metrics import metrics_section
from app.roles.models import ROLE_NAMES, Role

DEFAULT_FILE = Path(__file__).with_name("default.yml")
KIND_KEY = re.compile(r"^[a-z][a-z0-9_]{0,47}$")
STATEMENT_KEY = re.compile(r"^[a-z0-9][a-z0-9_-]{0,63}$")  # as the library's keys
USER_ID = re.compile(r"^[UW][A-Z0-9]{2,}$")
GROUP_ID = re.compile(r"^S[A-Z0-9]{2,}$")
KIND_FIELDS = ("label", "cadence_minutes", "invite", "invite_groups", "actions", "checklist")
KIND_KEYS = (*KIND_FIELDS, "by_severity", "metrics")
SEVERITY_KEYS = ("cadence_minutes", "invite", "invite_groups", "actions")
ACTION_KEYS = ("title", "category", "owner_role", "details", "statement")
ITEM_KEYS = ("step", "label", "ticks_on")
TITLE_MAX, DETAILS_MAX, LABEL_MAX = 300, 2500, 150


def load_playbooks(path: str | Path | None) -> Playbooks:
    """The playbooks in the file at `path`, or the shipped defaults when it is empty."""
    path = Path(path) if path else DEFAULT_FILE
    name = str(path)
    try:
        raw = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise PlaybookError(
            [f"{name}: no such file; set CRISIS_PLAYBOOK_FILE to a YAML file"]
        ) from None
    except OSError as error:
        raise PlaybookError([f"{name}: cannot be read ({error.strerror})"]) from None
    try:
        data = yaml.safe_load(raw)
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        where = f"line {mark.line + 1}, column {mark.column + 1}: " if mark else ""
        problem = getattr(error, "problem", None) or "cannot be parsed"
        raise PlaybookError([f"{name}: not valid YAML ({where}{problem})"]) from None
    check = _Check(name)
    kinds = check.kinds(data)
    if check.lines:
        raise PlaybookError(check.lines)
    return Playbooks(kinds, source=name)


class _Check:
    """Walks the file, keeping what is right and one line for each mistake."""

    def __init__(self, name: str) -> None:
        self.name = name
        self.lines: list[str] = []

    def wrong(self, where: str, problem: str, instead: str) -> None:
        self.lines.append(f"{self.name}: {where}: {problem}; {instead}")

    def mapping(self, value: Any, where: str, allowed: tuple[str, ...]) -> dict[Any, Any]:
        if not isinstance(value, dict):
            self.wrong(where, "is not a mapping", f"write keys such as {', '.join(allowed)}")
            return {}
        for key in value:
            if key not in allowed:
                self.wrong(where, f'unknown key "{key}"', f"use {', '.join(allowed)}")
        return value

    def listed(self, value: Any, where: str, example: str) -> list[Any]:
        if value is None:
            return []
        if not isinstance(value, list):
            self.wrong(where, "is not a list", f"write a list such as {example}")
            return []
        return value

    def text(self, value: Any, where: str, limit: int, example: str) -> str:
        if not isinstance(value, str) or not value.strip():
            self.wrong(where, "is missing or empty", f'write some text, such as "{example}"')
            return ""
        if len(value.strip()) > limit:
            self.wrong(where, f"is {len(value.strip())} characters", f"keep it to {limit}")
        return value.strip()

    def kinds(self, data: Any) -> dict[str, Playbook]:
        if data is None:
            self.wrong("(top)", "the file is empty", "write `kinds:` with at least one kind")
            return {}
        top = self.mapping(data, "(top)", ("kinds", "shared"))
        kinds = top.get("kinds")
        if not isinstance(kinds, dict) or not kinds:
            self.wrong("kinds", "is missing or empty", "map each kind's key to its playbook")
            return {}
        found: dict[str, Playbook] = {}
        for key, entry in kinds.items():
            where = f"kinds.{key}"
            if not isinstance(key, str) or not KIND_KEY.match(key):
                self.wrong(where, "is not a usable key", "use lowercase letters, digits and _")
            found[str(key)] = self.playbook(str(key), entry, where)
        return found

    def playbook(self, key: str, entry: Any, where: str) -> Playbook:
        fields = self.mapping(entry, where, KIND_KEYS)
        example = "Customer-service failure goes viral"
        return Playbook(
            key=key,
            label=self.text(fields.get("label"), f"{where}.label", LABEL_MAX, example),
            actions=self.actions(fields.get("actions"), f"{where}.actions"),
            cadence_minutes=self.cadence(fields.get("cadence_minutes"), where),
            invite=self.ids(fields.get("invite"), f"{where}.invite", USER_ID, "U0123ABCD"),
            invite_groups=self.ids(
                fields.get("invite_groups"), f"{where}.invite_groups", GROUP_ID, "S0123ABCD"
            ),
            checklist=self.checklist(fields.get("checklist"), f"{where}.checklist"),
            by_severity=self.severities(fields.get("by_severity"), f"{where}.by_severity"),
            metrics=metrics_section(self, fields.get("metrics"), f"{where}.metrics"),
        )

    def cadence(self, value: Any, where: str) -> int | None:
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, int) or value < 1:
            self.wrong(
                f"{where}.cadence_minutes",
                f"{value!r} is not a number of minutes",
                "write a whole number of at least 1, such as 30",
            )
            return None
        return int(value)

    def ids(
        self, value: Any, where: str, pattern: re.Pattern[str], example: str
    ) -> tuple[str, ...]:
        found: list[str] = []
        for index, item in enumerate(self.listed(value, where, f"[{example}]")):
            if not isinstance(item, str) or not pattern.match(item):
                self.wrong(
                    f"{where}[{index}]",
                    f"{item!r} is not a Slack id",
                    f"write an id such as {example}",
                )
            elif item not in found:
                found.append(item)
        return tuple(found)

    def actions(self, value: Any, where: str) -> tuple[PlannedAction, ...]:
        listed = self.listed(value, where, "[{title: ..., category: public_statement}]")
        return tuple(self.action(item, f"{where}[{i}]") for i, item in enumerate(listed))

    def action(self, item: Any, where: str) -> PlannedAction:
        fields = self.mapping(item, where, ACTION_KEYS)
        title = self.text(fields.get("title"), f"{where}.title", TITLE_MAX, "Apology statement")
        category = Category.OTHER
        if fields.get("category") not in {c.value for c in Category}:
            self.wrong(
                f"{where}.category",
                f"{fields.get('category')!r} is not a category",
                f"write one of {CATEGORY_NAMES}",
            )
        else:
            category = Category(fields["category"])
        role: Role | None = None
        if fields.get("owner_role") is not None:
            if fields["owner_role"] not in {r.value for r in Role}:
                self.wrong(
                    f"{where}.owner_role",
                    f"{fields['owner_role']!r} is not a role",
                    f"write one of {ROLE_NAMES}",
                )
            else:
                role = Role(fields["owner_role"])
        details = ""
        if fields.get("details") is not None:
            details = self.text(fields["details"], f"{where}.details", DETAILS_MAX, "The draft")
        statement = fields.get("statement")
        if statement is not None and (
            not isinstance(statement, str) or not STATEMENT_KEY.match(statement)
        ):
            self.wrong(
                f"{where}.statement",
                f"{statement!r} is not a statement key",
                "write the library key, such as apology-long-wait",
            )
            statement = None
        return PlannedAction(title, category, role, details, statement)

    def checklist(self, value: Any, where: str) -> tuple[ChecklistEntry, ...]:
        entries: list[ChecklistEntry] = []
        for index, item in enumerate(self.listed(value, where, "[{step: assess, label: ...}]")):
            here = f"{where}[{index}]"
            fields = self.mapping(item, here, ITEM_KEYS)
            step = fields.get("step")
            if step not in {s.value for s in Step}:
                self.wrong(
                    f"{here}.step",
                    f"{step!r} is not a step of the method",
                    f"write one of {STEP_NAMES}",
                )
                continue
            if any(entry.step == step for entry in entries):
                self.wrong(f"{here}.step", f'"{step}" is listed twice', "list each step once")
            label = self.text(fields.get("label"), f"{here}.label", LABEL_MAX, "Gather the facts")
            event = fields.get("ticks_on")
            if event is not None and event not in {e.value for e in TickEvent}:
                self.wrong(
                    f"{here}.ticks_on",
                    f"{event!r} is not an event",
                    f"write one of {EVENT_NAMES}, or leave it out",
                )
                event = None
            entries.append(ChecklistEntry(Step(step), label, TickEvent(event) if event else None))
        return tuple(entries)

    def severities(self, value: Any, where: str) -> dict[Severity, SeverityOverride]:
        if value is None:
            return {}
        found: dict[Severity, SeverityOverride] = {}
        for key, entry in self.mapping(value, where, tuple(s.value for s in Severity)).items():
            if key not in {s.value for s in Severity}:
                continue  # already named by `mapping`
            here = f"{where}.{key}"
            fields = self.mapping(entry, here, SEVERITY_KEYS)
            found[Severity(key)] = SeverityOverride(
                actions=self.actions(fields["actions"], f"{here}.actions")
                if "actions" in fields
                else None,
                cadence_minutes=self.cadence(fields.get("cadence_minutes"), here),
                invite=self.ids(fields["invite"], f"{here}.invite", USER_ID, "U0123ABCD")
                if "invite" in fields
                else None,
                invite_groups=self.ids(
                    fields["invite_groups"], f"{here}.invite_groups", GROUP_ID, "S0123ABCD"
                )
                if "invite_groups" in fields
                else None,
            )
        return found

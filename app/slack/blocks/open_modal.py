"""The modal behind `/crisis open` with no title, and reading its submission."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from slack_sdk.models.blocks import (
    InputBlock,
    Option,
    PlainTextInputElement,
    PlainTextObject,
    RadioButtonsElement,
    StaticSelectElement,
    UserMultiSelectElement,
)
from slack_sdk.models.views import View

from app.incidents.models import Kind, Severity
from app.slack import ids
from app.slack.blocks import forms

TITLE_MAX = 150
SUMMARY_MAX = 2900

SEVERITY_OPTIONS = [Option(value=s.value, label=s.label) for s in Severity]
KIND_OPTIONS = [
    Option(value=Kind.CRISIS.value, label="Crisis"),
    Option(value=Kind.POSITIVE.value, label="Positive virality (good news to handle)"),
]


@dataclass(frozen=True)
class OpenOrigin:
    """Where the form was asked for, so the answer goes back there."""

    channel_id: str
    response_url: str | None = None

    def dump(self) -> str:
        return json.dumps({"c": self.channel_id, "r": self.response_url})

    @classmethod
    def load(cls, raw: str | None) -> OpenOrigin:
        data = json.loads(raw or "{}")
        return cls(channel_id=data.get("c", ""), response_url=data.get("r"))


def playbook_block(kinds: Sequence[tuple[str, str]], chosen: str | None = None) -> InputBlock:
    """The kind of crisis, as (key, label) pairs from the playbooks; `chosen` preselected (the
    first kind when none is)."""
    options = [Option(value=key, label=label[:75]) for key, label in kinds[:100]]
    initial = next((o for o in options if o.value == chosen), options[0])
    return InputBlock(
        block_id=ids.OPEN_PLAYBOOK,
        label="Kind of crisis (playbook)",
        hint="Its actions are proposed and its checklist starts in the brief.",
        element=StaticSelectElement(
            action_id=ids.OPEN_PLAYBOOK, options=options, initial_option=initial
        ),
    )


def open_modal(
    *,
    origin: OpenOrigin,
    title: str = "",
    kinds: Sequence[tuple[str, str]] = (),
    chosen_kind: str | None = None,
) -> View:
    playbook = [playbook_block(kinds, chosen_kind)] if kinds else []
    return View(
        type="modal",
        callback_id=ids.OPEN_INCIDENT_VIEW,
        title=PlainTextObject(text="Open a war room"),
        submit=PlainTextObject(text="Open"),
        close=PlainTextObject(text="Cancel"),
        private_metadata=origin.dump(),
        blocks=[
            InputBlock(
                block_id=ids.OPEN_TITLE,
                label="Title",
                element=PlainTextInputElement(
                    action_id=ids.OPEN_TITLE,
                    initial_value=title[:TITLE_MAX] or None,
                    max_length=TITLE_MAX,
                    placeholder="Customer-service video going viral",
                ),
            ),
            InputBlock(
                block_id=ids.OPEN_SEVERITY,
                label="Severity",
                element=StaticSelectElement(
                    action_id=ids.OPEN_SEVERITY,
                    options=SEVERITY_OPTIONS,
                    initial_option=SEVERITY_OPTIONS[1],
                ),
            ),
            InputBlock(
                block_id=ids.OPEN_KIND,
                label="Kind",
                element=RadioButtonsElement(
                    action_id=ids.OPEN_KIND, options=KIND_OPTIONS, initial_option=KIND_OPTIONS[0]
                ),
            ),
            *playbook,
            InputBlock(
                block_id=ids.OPEN_SUMMARY,
                label="Summary",
                optional=True,
                element=PlainTextInputElement(
                    action_id=ids.OPEN_SUMMARY, multiline=True, max_length=SUMMARY_MAX
                ),
            ),
            InputBlock(
                block_id=ids.OPEN_INVITEES,
                label="Also invite",
                optional=True,
                element=UserMultiSelectElement(action_id=ids.OPEN_INVITEES),
            ),
        ],
    )


@dataclass(frozen=True)
class OpenForm:
    title: str
    severity: Severity
    kind: Kind
    summary: str
    invitees: tuple[str, ...]
    crisis_kind: str | None = None  # the playbook chosen (checked by the flow)


def read_open_form(values: dict[str, Any]) -> tuple[OpenForm | None, dict[str, str]]:
    """The submitted form, or the per-field errors Slack should show in the modal."""
    title = (forms.field(values, ids.OPEN_TITLE).get("value") or "").strip()
    severity = forms.selected(values, ids.OPEN_SEVERITY)
    kind = forms.selected(values, ids.OPEN_KIND)
    errors: dict[str, str] = {}
    if not title:
        errors[ids.OPEN_TITLE] = "Give the incident a title."
    if severity not in Severity.__members__.values():
        errors[ids.OPEN_SEVERITY] = "Choose SEV1, SEV2 or SEV3."
    if kind not in {k.value for k in Kind}:
        errors[ids.OPEN_KIND] = "Choose crisis or positive virality."
    if errors:
        return None, errors
    summary = (forms.field(values, ids.OPEN_SUMMARY).get("value") or "").strip()
    invitees = tuple(forms.field(values, ids.OPEN_INVITEES).get("selected_users") or ())
    crisis_kind = forms.selected(values, ids.OPEN_PLAYBOOK) or None
    form = OpenForm(
        title, Severity(severity), Kind(kind), summary[:SUMMARY_MAX], invitees, crisis_kind
    )
    return form, {}

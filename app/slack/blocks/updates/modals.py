"""The update and resolve modals, and reading what was submitted."""

from __future__ import annotations

from typing import Any

from slack_sdk.models.blocks import (
    Block,
    ContextBlock,
    InputBlock,
    MarkdownTextObject,
    Option,
    PlainTextInputElement,
    SectionBlock,
    StaticSelectElement,
)
from slack_sdk.models.views import View

from app.errors import BadCommand
from app.incidents.models import Incident, Status
from app.metrics.lines import HINT as METRICS_HINT
from app.slack import ids
from app.slack.blocks import forms
from app.slack.blocks.approvals.variants_inputs import read_variants, variant_inputs
from app.slack.blocks.error_lines import error_line
from app.slack.blocks.text import safe, unescape
from app.slack.blocks.updates.words import STATUS_HINT, status_label
from app.updates.durations import format_duration, parse_duration
from app.updates.forms import ResolveForm, UpdateForm
from app.updates.models import (
    ACTIONS_MAX,
    CHANGED_MAX,
    METRICS_MAX,
    NEXT_STEPS_MAX,
    RESOLUTION_MAX,
)
from app.updates.service import UpdateDraft


def status_options() -> list[Option]:
    return [
        Option(value=s.value, label=status_label(s), description=STATUS_HINT[s]) for s in Status
    ]


def _about(incident: Incident) -> SectionBlock:
    return SectionBlock(text=f"*{incident.ref}* {safe(incident.title, 300)}")


def _text_input(
    block_id: str,
    label: str,
    limit: int,
    *,
    placeholder: str,
    optional: bool = True,
    hint: str | None = None,
    initial: str | None = None,
) -> InputBlock:
    return InputBlock(
        block_id=block_id,
        label=label,
        optional=optional,
        hint=hint,
        element=PlainTextInputElement(
            action_id=block_id,
            multiline=True,
            max_length=limit,
            placeholder=placeholder,
            initial_value=initial or None,
        ),
    )


VARIANTS_HINT = (
    "*Variants per audience* (optional): posted with the update. Executives: the stakeholder "
    "channel, instead of the summary; employees: the employee channel; customers, press and "
    "social: copy-ready in the update's thread. The wording guard screens each one."
)


def update_modal(incident: Incident, *, resolver: str = "", metrics: str = "") -> View:
    """The update form, with the current status and the cadence filled in. `resolver` is the
    person it is opened for when they may resolve the incident: then choosing "resolved" is
    accepted when the form comes back, without a look-up before the ack (the flow checks
    again after it). `metrics`: the Key metrics lines from the latest values
    (app/metrics/lines.py), each line that changes becoming a point when posted."""
    status = incident.status
    current = next(o for o in status_options() if o.value == status.value)
    blocks: list[Block] = [
        _about(incident),
        InputBlock(
            block_id=ids.UPDATE_STATUS,
            label="Status",
            element=StaticSelectElement(
                action_id=ids.UPDATE_STATUS, options=status_options(), initial_option=current
            ),
        ),
        _text_input(
            ids.UPDATE_CHANGED,
            "What changed since the last update",
            CHANGED_MAX,
            placeholder="The video passed 2.7M views; the CEO apology is live",
            optional=False,
        ),
        _text_input(
            ids.UPDATE_ACTIONS, "Actions taken", ACTIONS_MAX, placeholder="Paid social paused"
        ),
        _text_input(ids.UPDATE_NEXT_STEPS, "Next steps", NEXT_STEPS_MAX, placeholder="Root cause"),
        _text_input(
            ids.UPDATE_METRICS,
            "Key metrics",
            METRICS_MAX,
            placeholder="views: 2.7M (tiktok)",
            hint=METRICS_HINT,
            initial=metrics,
        ),
        _next_due_input(incident.cadence_seconds),
        ContextBlock(elements=[MarkdownTextObject(text=VARIANTS_HINT)]),
        *variant_inputs(),
    ]
    return View(
        type="modal",
        callback_id=ids.UPDATE_VIEW,
        title="Stakeholder update",
        submit="Post update",
        close="Cancel",
        private_metadata=forms.dump(incident_id=incident.id, resolver=resolver),
        blocks=blocks,
    )


def may_resolve(private_metadata: str | None, user_id: str) -> bool:
    """Whether the update form was opened for `user_id` as someone who may resolve (a form
    opened before this was recorded says nothing, so the flow's own check decides)."""
    return bool(forms.load(private_metadata).get("resolver", user_id) == user_id)


def _next_due_input(cadence: int | None) -> Block:
    """When the next update is due, prefilled from the cadence; nothing to ask while paused."""
    if not cadence:
        paused = "Update reminders are paused; `/crisis cadence 30m` turns them back on."
        return ContextBlock(elements=[MarkdownTextObject(text=paused)])
    return InputBlock(
        block_id=ids.UPDATE_NEXT_DUE,
        label="Next update due in",
        optional=True,
        hint="Counted from when you post: 30m, 1h, 1h 30m, or 5s for a drill. "
        "Empty means the cadence.",
        element=PlainTextInputElement(
            action_id=ids.UPDATE_NEXT_DUE,
            max_length=40,
            initial_value=format_duration(cadence),
            placeholder="45m",
        ),
    )


def read_update_form(
    values: dict[str, Any], private_metadata: str | None
) -> tuple[UpdateForm | None, dict[str, str]]:
    """The update, or the per-field errors Slack should show in the modal."""
    incident_id = int(forms.load(private_metadata, "incident_id")["incident_id"])
    texts = {
        key: forms.text(values, key)
        for key in (ids.UPDATE_CHANGED, ids.UPDATE_ACTIONS, ids.UPDATE_NEXT_STEPS)
    }
    metrics = forms.text(values, ids.UPDATE_METRICS)
    chosen = forms.selected(values, ids.UPDATE_STATUS)
    errors = _text_errors(texts, metrics)
    if chosen not in {s.value for s in Status}:
        errors[ids.UPDATE_STATUS] = "Choose the status the incident is in now."
    next_in, problem = _next_in(forms.text(values, ids.UPDATE_NEXT_DUE))
    if problem:
        errors[ids.UPDATE_NEXT_DUE] = problem
    variants, variant_errors = read_variants(values)
    errors.update(variant_errors)
    if errors:
        return None, errors
    draft = UpdateDraft(
        status=Status(chosen),
        changed=texts[ids.UPDATE_CHANGED],
        actions=texts[ids.UPDATE_ACTIONS],
        next_steps=texts[ids.UPDATE_NEXT_STEPS],
        metrics=metrics,
        next_in_seconds=next_in,
    )
    given = {audience.value: text for audience, text in variants.items()}
    return UpdateForm(incident_id, draft, given), {}


LIMITS = {
    ids.UPDATE_CHANGED: (CHANGED_MAX, "What changed"),
    ids.UPDATE_ACTIONS: (ACTIONS_MAX, "Actions taken"),
    ids.UPDATE_NEXT_STEPS: (NEXT_STEPS_MAX, "Next steps"),
}


def _text_errors(texts: dict[str, str], metrics: str) -> dict[str, str]:
    errors: dict[str, str] = {}
    if not texts[ids.UPDATE_CHANGED]:
        errors[ids.UPDATE_CHANGED] = "Say in a sentence or two what changed since the last update."
    for key, (limit, what) in LIMITS.items():
        if problem := forms.too_long(texts[key], limit, what):
            errors[key] = problem
    if problem := forms.too_long(metrics, METRICS_MAX, "Key metrics"):
        errors[ids.UPDATE_METRICS] = problem
    return errors


def _next_in(raw: str) -> tuple[int | None, str | None]:
    if not raw:
        return None, None
    try:
        return parse_duration(raw), None
    except BadCommand as error:
        return None, unescape(error_line(error))


def resolve_modal(incident: Incident) -> View:
    return View(
        type="modal",
        callback_id=ids.RESOLVE_VIEW,
        title="Resolve incident",
        submit="Resolve",
        close="Cancel",
        private_metadata=forms.dump(incident_id=incident.id),
        blocks=[
            _about(incident),
            _text_input(
                ids.RESOLVE_SUMMARY,
                "Resolution summary",
                RESOLUTION_MAX,
                placeholder="Sentiment back to normal; customer refunded; training done",
                optional=False,
            ),
        ],
    )


def read_resolve_form(
    values: dict[str, Any], private_metadata: str | None
) -> tuple[ResolveForm | None, dict[str, str]]:
    incident_id = int(forms.load(private_metadata, "incident_id")["incident_id"])
    summary = forms.text(values, ids.RESOLVE_SUMMARY)
    if not summary:
        return None, {ids.RESOLVE_SUMMARY: "Say in a sentence how it ended."}
    if problem := forms.too_long(summary, RESOLUTION_MAX, "The summary"):
        return None, {ids.RESOLVE_SUMMARY: problem}
    return ResolveForm(incident_id, summary), {}

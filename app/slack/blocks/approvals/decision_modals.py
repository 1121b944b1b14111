"""The small modals around a card: a reason for a decision, new wording, a done note."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from slack_sdk.models.blocks import (
    ContextBlock,
    InputBlock,
    MarkdownTextObject,
    PlainTextInputElement,
    SectionBlock,
)
from slack_sdk.models.views import View

from app.approvals.forms import DoneForm, ReasonForm, ReviseForm
from app.approvals.models import (
    DETAILS_MAX,
    NOTE_MAX,
    REASON_MAX,
    TITLE_MAX,
    Action,
    Decision,
)
from app.approvals.variants import Audience
from app.roles.models import Role
from app.slack import ids
from app.slack.blocks import forms
from app.slack.blocks.approvals.variants_inputs import read_variants, variant_inputs
from app.slack.blocks.text import clip, safe

REASON_TITLES = {
    Decision.APPROVE: ("Approve", "Approve", "Anything to add?"),
    Decision.REQUEST_CHANGES: ("Request changes", "Send", "What needs to change?"),
    Decision.REJECT: ("Reject", "Reject", "Why reject it?"),
}


def _about(ref: str, title: str, extra: str = "") -> SectionBlock:
    return SectionBlock(text=f"*{ref}* {safe(title, 300)}{extra}")


def reason_modal(
    *, action_id: int, revision: int, role: Role, decision: Decision, action_title: str = ""
) -> View:
    heading, submit, label = REASON_TITLES[Decision(decision)]
    about = _about(f"A-{action_id}", action_title, f"\nDeciding as *{Role(role).label}*")
    return View(
        type="modal",
        callback_id=ids.REASON_VIEW,
        title=heading,
        submit=submit,
        close="Cancel",
        private_metadata=forms.dump(
            a=action_id, r=revision, role=Role(role).value, d=Decision(decision).value
        ),
        blocks=[
            about,
            InputBlock(
                block_id=ids.REASON_INPUT,
                label=label,
                optional=not Decision(decision).needs_reason,
                element=PlainTextInputElement(
                    action_id=ids.REASON_INPUT, multiline=True, max_length=REASON_MAX
                ),
            ),
        ],
    )


def read_reason_form(
    values: dict[str, Any], private_metadata: str | None
) -> tuple[ReasonForm | None, dict[str, str]]:
    facts = forms.load(private_metadata, "a", "r", "role", "d")
    decision = Decision(facts["d"])
    reason = forms.text(values, ids.REASON_INPUT)
    if decision.needs_reason and not reason:
        return None, {ids.REASON_INPUT: "Say why, so the proposer knows what to do next."}
    if problem := forms.too_long(reason, REASON_MAX, "The reason"):
        return None, {ids.REASON_INPUT: problem}
    return ReasonForm(int(facts["a"]), int(facts["r"]), Role(facts["role"]), decision, reason), {}


def revise_modal(
    *,
    action: Action,
    current_title: str,
    current_details: str,
    current_variants: Mapping[Audience, str] | None = None,
) -> View:
    return View(
        type="modal",
        callback_id=ids.REVISE_VIEW,
        title=clip(f"Revise {action.ref}", 24),
        submit="Save revision",
        close="Cancel",
        private_metadata=forms.dump(a=action.id, r=action.revision),
        blocks=[
            InputBlock(
                block_id=ids.REVISE_TITLE,
                label="Title",
                element=PlainTextInputElement(
                    action_id=ids.REVISE_TITLE,
                    initial_value=current_title[:TITLE_MAX] or None,
                    max_length=TITLE_MAX,
                ),
            ),
            InputBlock(
                block_id=ids.REVISE_DETAILS,
                label="Draft wording or details",
                optional=True,
                element=PlainTextInputElement(
                    action_id=ids.REVISE_DETAILS,
                    multiline=True,
                    initial_value=current_details[:DETAILS_MAX] or None,
                    max_length=DETAILS_MAX,
                ),
            ),
            *variant_inputs(current_variants),
            ContextBlock(
                elements=[
                    MarkdownTextObject(
                        text="Saving starts a new revision: every approver decides again."
                    )
                ]
            ),
        ],
    )


def read_revise_form(
    values: dict[str, Any], private_metadata: str | None
) -> tuple[ReviseForm | None, dict[str, str]]:
    facts = forms.load(private_metadata, "a", "r")
    title = forms.text(values, ids.REVISE_TITLE)
    details = forms.text(values, ids.REVISE_DETAILS)
    errors: dict[str, str] = {}
    if not title:
        errors[ids.REVISE_TITLE] = "The action needs a title."
    elif problem := forms.too_long(title, TITLE_MAX, "The title"):
        errors[ids.REVISE_TITLE] = problem
    if problem := forms.too_long(details, DETAILS_MAX, "The draft"):
        errors[ids.REVISE_DETAILS] = problem
    variants, variant_errors = read_variants(values)
    errors.update(variant_errors)
    if errors:
        return None, errors
    return ReviseForm(int(facts["a"]), int(facts["r"]), title, details, variants), {}


def done_modal(action: Action) -> View:
    return View(
        type="modal",
        callback_id=ids.DONE_VIEW,
        title=clip(f"Mark {action.ref} done", 24),
        submit="Mark done",
        close="Cancel",
        private_metadata=forms.dump(a=action.id),
        blocks=[
            _about(action.ref, action.title),
            InputBlock(
                block_id=ids.DONE_NOTE,
                label="Note or link",
                optional=True,
                element=PlainTextInputElement(
                    action_id=ids.DONE_NOTE,
                    multiline=True,
                    max_length=NOTE_MAX,
                    placeholder="Link to the post, refund reference, what was done",
                ),
            ),
        ],
    )


def read_done_form(
    values: dict[str, Any], private_metadata: str | None
) -> tuple[DoneForm | None, dict[str, str]]:
    facts = forms.load(private_metadata, "a")
    note = forms.text(values, ids.DONE_NOTE)
    if problem := forms.too_long(note, NOTE_MAX, "The note"):
        return None, {ids.DONE_NOTE: problem}
    return DoneForm(int(facts["a"]), note), {}

"""The modal for proposing an action, and reading what was submitted."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import replace
from typing import Any

from slack_sdk.models.blocks import (
    Block,
    ContextBlock,
    InputBlock,
    MarkdownTextObject,
    Option,
    PlainTextInputElement,
    StaticSelectElement,
    UserSelectElement,
)
from slack_sdk.models.views import View

from app.approvals.forms import ProposeForm
from app.approvals.models import DETAILS_MAX, TITLE_MAX
from app.approvals.policy import Category
from app.roles.models import Role
from app.slack import ids
from app.slack.blocks import forms
from app.slack.blocks.approvals.variants_inputs import read_variants, variant_inputs
from app.slack.blocks.text import clip


def category_options(categories: Mapping[Category, Sequence[Role]]) -> list[Option]:
    """One option per category, saying who will have to approve it."""
    return [
        Option(
            value=category.value,
            label=clip(category.label, 75),
            description=clip("Approved by " + ", ".join(r.label for r in roles), 75),
        )
        for category, roles in categories.items()
    ]


def propose_modal(
    *, incident_id: int, title: str = "", categories: Mapping[Category, Sequence[Role]]
) -> View:
    return View(
        type="modal",
        callback_id=ids.PROPOSE_VIEW,
        title="Propose an action",
        submit="Propose",
        close="Cancel",
        private_metadata=forms.dump(incident_id=incident_id),
        blocks=_inputs(title, categories),
    )


def _inputs(title: str, categories: Mapping[Category, Sequence[Role]]) -> list[Block]:
    return [
        InputBlock(
            block_id=ids.PROPOSE_TITLE,
            label="What do you propose?",
            element=PlainTextInputElement(
                action_id=ids.PROPOSE_TITLE,
                initial_value=title.strip()[:TITLE_MAX] or None,
                max_length=TITLE_MAX,
                placeholder="Refund the customer",
            ),
        ),
        InputBlock(
            block_id=ids.PROPOSE_CATEGORY,
            label="Category",
            element=StaticSelectElement(
                action_id=ids.PROPOSE_CATEGORY,
                placeholder="Choose what kind of action this is",
                options=category_options(categories),
            ),
        ),
        InputBlock(
            block_id=ids.PROPOSE_DETAILS,
            label="Draft wording or details",
            optional=True,
            element=PlainTextInputElement(
                action_id=ids.PROPOSE_DETAILS,
                multiline=True,
                max_length=DETAILS_MAX,
                placeholder="The exact words to publish, or the steps to take",
            ),
        ),
        *variant_inputs(),
        InputBlock(
            block_id=ids.PROPOSE_OWNER,
            label="Owner (who will carry it out)",
            optional=True,
            element=UserSelectElement(action_id=ids.PROPOSE_OWNER),
        ),
        ContextBlock(
            elements=[
                MarkdownTextObject(
                    text="The category decides who must approve. Drafts of public "
                    "statements and remedies are screened for admissions of fault."
                )
            ]
        ),
    ]


def read_propose_form(
    values: dict[str, Any], private_metadata: str | None
) -> tuple[ProposeForm | None, dict[str, str]]:
    """The proposal, or the per-field errors Slack should show in the modal."""
    incident_id = forms.load(private_metadata, "incident_id")["incident_id"]
    title = forms.text(values, ids.PROPOSE_TITLE)
    details = forms.text(values, ids.PROPOSE_DETAILS)
    chosen = forms.selected(values, ids.PROPOSE_CATEGORY)
    errors: dict[str, str] = {}
    if not title:
        errors[ids.PROPOSE_TITLE] = "Say in a few words what you propose."
    elif problem := forms.too_long(title, TITLE_MAX, "The title"):
        errors[ids.PROPOSE_TITLE] = problem
    if chosen not in {category.value for category in Category}:
        errors[ids.PROPOSE_CATEGORY] = "Choose a category: it decides who must approve."
    if problem := forms.too_long(details, DETAILS_MAX, "The draft"):
        errors[ids.PROPOSE_DETAILS] = problem
    variants, variant_errors = read_variants(values)
    errors.update(variant_errors)
    if errors:
        return None, errors
    owner = forms.field(values, ids.PROPOSE_OWNER).get("selected_user") or None
    form = ProposeForm(int(incident_id), title, details, Category(chosen), owner)
    return replace(form, variants=variants), {}

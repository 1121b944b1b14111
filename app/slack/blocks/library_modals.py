"""The library's forms: add or change a statement, reject a version, use a statement."""

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

from app.library.forms import RejectForm, UseForm
from app.library.models import AUDIENCES, KEY_MAX, KINDS, TEXT_MAX, TITLE_MAX
from app.library.placeholders import VALUE_MAX
from app.library.service import Draft
from app.roles.models import Role
from app.slack.blocks import forms
from app.slack.blocks import library_ids as ids
from app.slack.blocks.approvals.variants_inputs import read_variants, variant_inputs
from app.slack.blocks.text import clip, escape

PLACEHOLDER_HINT = "Write `{customer}` or `{date}` where the words change each time they are used."


def _input(block_id: str, label: str, *, initial: str = "", limit: int, multi: bool) -> InputBlock:
    return InputBlock(
        block_id=block_id,
        label=label,
        element=PlainTextInputElement(
            action_id=block_id,
            initial_value=initial or None,
            max_length=limit,
            multiline=multi,
        ),
    )


def _select(block_id: str, label: str, choices: tuple[str, ...]) -> InputBlock:
    options = [Option(value=choice, label=choice) for choice in choices]
    return InputBlock(
        block_id=block_id,
        label=label,
        element=StaticSelectElement(action_id=block_id, options=options),
    )


def entry_modal(*, key: str = "", title: str = "", text: str = "") -> View:
    """A new statement (no key yet), or new words for `key`."""
    blocks: list[Block] = []
    if key:
        blocks.append(SectionBlock(text=f"New words for *{escape(key)}*: a new version."))
    else:
        blocks += [
            _input(ids.KEY, "Key (e.g. apology-long-wait)", limit=KEY_MAX, multi=False),
            _select(ids.KIND, "Crisis kind", KINDS),
            _select(ids.AUDIENCE, "Audience", AUDIENCES),
        ]
    blocks += [
        _input(ids.TITLE, "Title", initial=title, limit=TITLE_MAX, multi=False),
        _input(ids.TEXT, "Statement", initial=text, limit=TEXT_MAX, multi=True),
        ContextBlock(
            elements=[
                MarkdownTextObject(
                    text=escape(PLACEHOLDER_HINT) + " Legal and the executives approve it "
                    "before anyone can use it."
                )
            ]
        ),
    ]
    return View(
        type="modal",
        callback_id=ids.ENTRY_VIEW,
        title="Change a statement" if key else "Add a statement",
        submit="Send for approval",
        close="Cancel",
        private_metadata=forms.dump(key=key),
        blocks=blocks,
    )


def read_entry_form(
    values: dict[str, Any], private_metadata: str | None
) -> tuple[Draft | None, dict[str, str]]:
    key = str(forms.load(private_metadata, "key")["key"])
    title, text = forms.text(values, ids.TITLE), forms.text(values, ids.TEXT)
    errors: dict[str, str] = {}
    if not title:
        errors[ids.TITLE] = "Give the statement a short title."
    if not text:
        errors[ids.TEXT] = "Write the statement's words."
    if key:
        return (None, errors) if errors else (Draft(key, title, text, new=False), {})
    new_key = forms.text(values, ids.KEY)
    kind, audience = forms.selected(values, ids.KIND), forms.selected(values, ids.AUDIENCE)
    if not new_key:
        errors[ids.KEY] = "Give the statement a key."
    if kind not in KINDS:
        errors[ids.KIND] = "Choose the kind of crisis it is for."
    if audience not in AUDIENCES:
        errors[ids.AUDIENCE] = "Choose who it speaks to."
    if errors:
        return None, errors
    return Draft(new_key, title, text, kind=kind, audience=audience, new=True), {}


def reason_modal(*, version_id: int, role: Role, about: str) -> View:
    return View(
        type="modal",
        callback_id=ids.REASON_VIEW,
        title="Reject this version",
        submit="Reject",
        close="Back",
        private_metadata=forms.dump(version_id=version_id, role=role.value),
        blocks=[
            SectionBlock(text=clip(about, 3000)),
            _input(ids.REASON, "Why?", limit=3000, multi=True),
        ],
    )


def read_reason_form(
    values: dict[str, Any], private_metadata: str | None
) -> tuple[RejectForm | None, dict[str, str]]:
    facts = forms.load(private_metadata, "version_id", "role")
    reason = forms.text(values, ids.REASON)
    if not reason:
        return None, {ids.REASON: "Say why, so the author knows what to change."}
    return RejectForm(int(facts["version_id"]), Role(facts["role"]), reason), {}


VARIANTS_HINT = (
    "The library approved only the main words: a statement used with any audience variant "
    "below needs the full approval."
)


def use_modal(
    *, incident_id: int, version_id: int, title: str, text: str, placeholders: list[str]
) -> View:
    """The library words, editable, and one field per placeholder (filling one is no edit)."""
    blocks: list[Block] = [
        _input(
            f"{ids.FILL}{name}", f"{{{name}}}", limit=VALUE_MAX, multi=False
        )  # a placeholder's value
        for name in placeholders
    ]
    blocks += [
        _input(ids.TITLE, "Title", initial=title, limit=TITLE_MAX, multi=False),
        _input(ids.TEXT, "Statement", initial=text, limit=TEXT_MAX, multi=True),
        ContextBlock(
            elements=[
                MarkdownTextObject(
                    text="Used unchanged, it needs only the lead's confirmation. Any edit to "
                    "the words sends it through the full approval. Filling the placeholders "
                    "above is not an edit."
                )
            ]
        ),
        ContextBlock(elements=[MarkdownTextObject(text=VARIANTS_HINT)]),
        *variant_inputs(),
    ]
    return View(
        type="modal",
        callback_id=ids.USE_VIEW,
        title="Use a holding statement",
        submit="Propose",
        close="Cancel",
        private_metadata=forms.dump(
            incident_id=incident_id, version_id=version_id, placeholders=placeholders
        ),
        blocks=blocks,
    )


def read_use_form(
    values: dict[str, Any], private_metadata: str | None
) -> tuple[UseForm | None, dict[str, str]]:
    facts = forms.load(private_metadata, "incident_id", "version_id", "placeholders")
    filled = {name: forms.text(values, f"{ids.FILL}{name}") for name in facts["placeholders"]}
    errors = {f"{ids.FILL}{name}": "Fill this in." for name, value in filled.items() if not value}
    title, text = forms.text(values, ids.TITLE), forms.text(values, ids.TEXT)
    if not title:
        errors[ids.TITLE] = "Give the action a short title."
    if not text:
        errors[ids.TEXT] = "The statement cannot be empty."
    variants, variant_errors = read_variants(values)
    errors.update(variant_errors)
    if errors:
        return None, errors
    given = {audience.value: words for audience, words in variants.items()}
    form = UseForm(int(facts["incident_id"]), int(facts["version_id"]), title, text, filled, given)
    return form, {}

"""The optional inputs for the audience variants in the propose and revise forms."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from slack_sdk.models.blocks import Block, InputBlock, PlainTextInputElement

from app.approvals.variants import AUDIENCES, VARIANT_MAX, Audience
from app.slack.blocks import forms
from app.slack.blocks.approvals.variants_ids import input_id

PLACEHOLDERS = {
    Audience.EXECUTIVES: "The briefing for executives and the board",
    Audience.EMPLOYEES: "The internal announcement for every employee",
    Audience.CUSTOMERS: "What customers read (email, help center)",
    Audience.PRESS: "The statement for journalists",
    Audience.SOCIAL: "The post for social media",
}


def variant_inputs(current: Mapping[Audience, str] | None = None) -> list[Block]:
    """One optional multiline input per audience, holding its current wording if any."""
    now = current or {}
    return [
        InputBlock(
            block_id=input_id(audience),
            label=f"For {audience.label} (optional variant)",
            optional=True,
            element=PlainTextInputElement(
                action_id=input_id(audience),
                multiline=True,
                max_length=VARIANT_MAX,
                initial_value=now.get(audience, "")[:VARIANT_MAX] or None,
                placeholder=PLACEHOLDERS[audience],
            ),
        )
        for audience in AUDIENCES
    ]


def read_variants(values: dict[str, Any]) -> tuple[dict[Audience, str], dict[str, str]]:
    """The variants given (empty ones left out), or the per-field errors."""
    given: dict[Audience, str] = {}
    errors: dict[str, str] = {}
    for audience in AUDIENCES:
        text = forms.text(values, input_id(audience))
        if problem := forms.too_long(text, VARIANT_MAX, f"The {audience.label} variant"):
            errors[input_id(audience)] = problem
        elif text:
            given[audience] = text
    return given, errors

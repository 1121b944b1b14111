"""The approvals modals: built within Slack's limits, and read back into typed forms."""

from __future__ import annotations

from typing import Any

import pytest

from app.approvals.forms import DoneForm, ProposeForm, ReasonForm, ReviseForm
from app.approvals.models import Action, ActionState, Decision
from app.approvals.policy import DEFAULT_POLICY, Category
from app.errors import BadCommand
from app.roles.models import Role
from app.slack import ids
from app.slack.blocks.approvals.decision_modals import (
    done_modal,
    read_done_form,
    read_reason_form,
    read_revise_form,
    reason_modal,
    revise_modal,
)
from app.slack.blocks.approvals.propose_modal import propose_modal, read_propose_form
from tests.approvals.cards import make_card
from tests.approvals.limits import view_dict


def typed(block_id: str, value: str | None) -> dict[str, Any]:
    return {block_id: {block_id: {"type": "plain_text_input", "value": value}}}


def selected(block_id: str, value: str) -> dict[str, Any]:
    return {block_id: {block_id: {"selected_option": {"value": value}}}}


def action() -> Action:
    return make_card(state=ActionState.CHANGES_REQUESTED, revision=2).action


def test_propose_modal_offers_each_category_with_its_approvers() -> None:
    view = view_dict(
        propose_modal(incident_id=3, title="Refund " * 100, categories=DEFAULT_POLICY.approvers)
    )
    assert view["callback_id"] == ids.PROPOSE_VIEW
    blocks = {b.get("block_id"): b for b in view["blocks"]}
    options = blocks[ids.PROPOSE_CATEGORY]["element"]["options"]
    assert [o["value"] for o in options] == [c.value for c in Category]
    assert options[0]["description"]["text"] == "Approved by Legal, Executive"
    title = blocks[ids.PROPOSE_TITLE]["element"]
    assert len(title["initial_value"]) <= 300 and title["max_length"] == 300
    assert blocks[ids.PROPOSE_DETAILS]["element"]["max_length"] == 3000


def test_reading_a_proposal() -> None:
    metadata = propose_modal(incident_id=3, categories=DEFAULT_POLICY.approvers).private_metadata
    values = {
        **typed(ids.PROPOSE_TITLE, "  Refund the customer "),
        **typed(ids.PROPOSE_DETAILS, "Full refund plus credit"),
        **selected(ids.PROPOSE_CATEGORY, "customer_remedy"),
        ids.PROPOSE_OWNER: {ids.PROPOSE_OWNER: {"selected_user": "U0LISA"}},
    }
    assert read_propose_form(values, metadata) == (
        ProposeForm(
            3, "Refund the customer", "Full refund plus credit", Category.CUSTOMER_REMEDY, "U0LISA"
        ),
        {},
    )
    form, errors = read_propose_form(typed(ids.PROPOSE_TITLE, " "), metadata)
    assert form is None and set(errors) == {ids.PROPOSE_TITLE, ids.PROPOSE_CATEGORY}
    with pytest.raises(BadCommand, match="lost track"):
        read_propose_form(values, "not json")


@pytest.mark.parametrize(
    ("decision", "title"),
    [(Decision.REQUEST_CHANGES, "Request changes"), (Decision.REJECT, "Reject")],
)
def test_reason_modal_requires_a_reason(decision: Decision, title: str) -> None:
    view = reason_modal(
        action_id=12, revision=2, role=Role.LEGAL, decision=decision, action_title="<!here>"
    )
    data = view_dict(view)
    assert data["title"]["text"] == title and data["callback_id"] == ids.REASON_VIEW
    reason_input = next(b for b in data["blocks"] if b.get("block_id") == ids.REASON_INPUT)
    assert reason_input["optional"] is False
    assert "&lt;!here&gt;" in data["blocks"][0]["text"]["text"]
    metadata = view.private_metadata
    assert read_reason_form(typed(ids.REASON_INPUT, "Too casual"), metadata) == (
        ReasonForm(12, 2, Role.LEGAL, decision, "Too casual"),
        {},
    )
    form, errors = read_reason_form(typed(ids.REASON_INPUT, "  "), metadata)
    assert form is None and ids.REASON_INPUT in errors


def test_revise_modal_starts_from_the_current_wording() -> None:
    current = action()
    view = revise_modal(action=current, current_title=current.title, current_details="x" * 3000)
    data = view_dict(view)
    assert data["title"]["text"] == "Revise A-12"
    blocks = {b.get("block_id"): b for b in data["blocks"]}
    assert blocks[ids.REVISE_TITLE]["element"]["initial_value"] == "CEO apology video"
    values = {**typed(ids.REVISE_TITLE, "Apology"), **typed(ids.REVISE_DETAILS, None)}
    assert read_revise_form(values, view.private_metadata) == (
        ReviseForm(12, 2, "Apology", "", {}),  # the form always carries the variant set
        {},
    )
    form, errors = read_revise_form({}, view.private_metadata)
    assert form is None and ids.REVISE_TITLE in errors


def test_done_modal_takes_an_optional_note() -> None:
    view = done_modal(action())
    data = view_dict(view)
    assert data["title"]["text"] == "Mark A-12 done" and data["callback_id"] == ids.DONE_VIEW
    assert read_done_form({}, view.private_metadata) == (DoneForm(12, ""), {})
    link = typed(ids.DONE_NOTE, "https://example.com/post")
    assert read_done_form(link, view.private_metadata) == (
        DoneForm(12, "https://example.com/post"),
        {},
    )

"""The approval card: buttons per pending role, outcomes, and Slack's limits on any input."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import pytest

from app.approvals.forms import DecisionValue
from app.approvals.models import ActionState, Decision, DecisionState
from app.approvals.policy import DEFAULT_POLICY, Category
from app.approvals.queries import ActionCard
from app.errors import BadCommand
from app.roles.models import Role
from app.slack import ids
from app.slack.blocks.approvals.buttons import DECISIONS, action_id_of, dump_value, load_value
from app.slack.blocks.approvals.card import approval_card, card_text
from tests.approvals.cards import make_card
from tests.approvals.limits import buttons, message_dicts

MEMBERS = {Role.LEGAL: ["U0DAVID", "U0ANNA"], Role.EXEC: ["U0ROBERT"]}
DECIDE = [ids.APPROVE, ids.REQUEST_CHANGES, ids.REJECT]


def build(
    card: ActionCard, members: Mapping[Role, Sequence[str]] = MEMBERS
) -> list[dict[str, Any]]:
    return message_dicts(approval_card(card, members=members, policy=DEFAULT_POLICY))


def texts(dicts: list[dict[str, Any]]) -> str:
    return repr(dicts)


def test_a_pending_card_has_a_button_row_per_pending_role() -> None:
    dicts = build(make_card(revision=2))
    rows = buttons(dicts)
    assert list(rows) == [f"{ids.CARD_DECIDE}legal", f"{ids.CARD_DECIDE}exec"]
    assert rows[f"{ids.CARD_DECIDE}legal"] == [(a, "12:2:legal") for a in DECIDE]
    assert rows[f"{ids.CARD_DECIDE}exec"] == [(a, "12:2:exec") for a in DECIDE]
    waiting = next(d for d in dicts if d.get("block_id") == ids.CARD_WAITING)
    assert [e["text"] for e in waiting["elements"]] == [
        "Waiting on *Legal*: <@U0DAVID>, <@U0ANNA>",
        "Waiting on *Executive*: <@U0ROBERT>",
    ]
    header = dicts[0]["text"]["text"]
    assert header == "A-12 · CEO apology video"


def test_a_decided_role_loses_its_buttons_and_shows_who_and_when() -> None:
    card = make_card((Role.LEGAL, DecisionState.APPROVED, "U0DAVID", None), Role.EXEC)
    dicts = build(card)
    assert list(buttons(dicts)) == [f"{ids.CARD_DECIDE}exec"]
    roles = next(d for d in dicts if d.get("block_id") == ids.CARD_ROLES)["text"]["text"]
    assert ":white_check_mark: *Legal*: approved by <@U0DAVID> <!date^" in roles
    assert ":hourglass_flowing_sand: *Executive*: waiting" in roles


def test_approved_offers_mark_done_and_changes_requested_offers_revise() -> None:
    approved = make_card(
        (Role.LEGAL, DecisionState.APPROVED, "U0DAVID", None),
        (Role.EXEC, DecisionState.APPROVED, "U0ROBERT", "Go"),
        state=ActionState.APPROVED,
    )
    assert buttons(build(approved)) == {ids.CARD_FOLLOW_UP: [(ids.MARK_DONE, "12")]}
    changes = make_card(
        (Role.LEGAL, DecisionState.CHANGES_REQUESTED, "U0DAVID", "Drop <!channel> & 'our fault'"),
        Role.EXEC,
        state=ActionState.CHANGES_REQUESTED,
    )
    dicts = build(changes)
    assert buttons(dicts) == {ids.CARD_FOLLOW_UP: [(ids.REVISE, "12")]}
    assert "“Drop &lt;!channel&gt; &amp; 'our fault'”" in texts(dicts)
    assert ids.CARD_WAITING not in texts(dicts)


@pytest.mark.parametrize("state", [ActionState.REJECTED, ActionState.DONE])
def test_settled_cards_have_no_buttons(state: ActionState) -> None:
    card = make_card((Role.LEGAL, DecisionState.REJECTED, "U0DAVID", "No"), state=state)
    assert buttons(build(card)) == {}


def test_fault_phrases_are_flagged_only_when_the_category_is_screened() -> None:
    flagged = texts(build(make_card()))
    assert ":warning: *Possible admission of fault*: “our fault”. Legal, please review." in flagged
    assert "*:warning: our fault*" in flagged
    assert "'confirm'" in flagged
    plain = texts(build(make_card(Role.MARKETING, category=Category.PAID_MEDIA)))
    assert "Possible admission" not in plain and ":warning: our fault" not in plain


def test_card_text_names_who_is_awaited() -> None:
    assert card_text(make_card(title="<!channel> refund")) == (
        "A-12 needs approval from Legal and Executive: &lt;!channel&gt; refund"
    )
    assert card_text(make_card(state=ActionState.REJECTED)) == "A-12 rejected: CEO apology video"


def test_limits_hold_for_the_worst_input() -> None:
    draft = ("<&> It was our fault; we’re liable & negligent <!channel> " * 60)[:3000]
    title = (":fire: *bold* <!here> & `code` 🎉 " * 20)[:300]
    members = {role: [f"U{n:08d}" for n in range(20)] for role in Role}
    card = make_card(
        *[(role, DecisionState.PENDING, None, None) for role in Role],
        title=title,
        details=draft,
    )
    dicts = build(card, members)
    assert len(buttons(dicts)) == 5
    draft_block = next(d for d in dicts if d.get("block_id") == ids.CARD_DRAFT)
    assert len(draft_block["text"]["text"]) <= 3000 and draft_block["text"]["text"].endswith("…")
    waiting = next(d for d in dicts if d.get("block_id") == ids.CARD_WAITING)
    assert all(e["text"].endswith("and 10 more") for e in waiting["elements"])
    reasons = "x<" * 1500
    decided = make_card(
        *[(role, DecisionState.REJECTED, "U0DAVID", reasons) for role in Role],
        state=ActionState.REJECTED,
        title=title,
        details=draft,
    )
    build(decided, members)


def test_button_values_round_trip_and_refuse_garbage() -> None:
    value = DecisionValue(12, 2, Role.LEGAL)
    assert load_value(dump_value(value)) == value
    assert DECISIONS[ids.REJECT] is Decision.REJECT
    assert action_id_of("12") == 12
    for bad in ["", "12:2", "a:2:legal", "12:2:cmo", None]:
        with pytest.raises(BadCommand):
            load_value(bad)
    with pytest.raises(BadCommand):
        action_id_of("twelve")

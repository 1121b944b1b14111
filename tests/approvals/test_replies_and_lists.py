"""Thread replies (outcome, revision diff) and the /crisis actions and /crisis policy lists."""

from __future__ import annotations

from app.approvals.models import Action, ActionRevision, ActionState, DecisionState
from app.approvals.policy import DEFAULT_POLICY, Category
from app.roles.models import Role
from app.slack.blocks.approvals.lists import actions_list_blocks, policy_blocks
from app.slack.blocks.approvals.replies import outcome_reply, revision_diff
from tests.approvals.cards import AT, make_card
from tests.approvals.limits import message_dicts


def revision(number: int, details: str, title: str = "Apology") -> ActionRevision:
    return ActionRevision(
        action_id=12, revision=number, title=title, details=details, by="U0MARIA", at=AT
    )


def test_outcome_reply_says_who_approved_and_when() -> None:
    card = make_card(
        (Role.LEGAL, DecisionState.APPROVED, "U0DAVID", None),
        (Role.EXEC, DecisionState.APPROVED, "U0ROBERT", None),
        state=ActionState.APPROVED,
    )
    reply = outcome_reply(card)
    assert reply.startswith(":white_check_mark: *A-12 approved*: CEO apology video\nApproved by")
    assert "Legal <@U0DAVID> <!date^" in reply and "Executive <@U0ROBERT> <!date^" in reply
    assert reply.endswith("<@U0ROBERT> can go ahead.")


def test_outcome_reply_for_a_rejection_quotes_the_escaped_reason() -> None:
    card = make_card(
        (Role.LEGAL, DecisionState.REJECTED, "U0DAVID", "<!channel> admits liability"),
        Role.EXEC,
        state=ActionState.REJECTED,
    )
    reply = outcome_reply(card)
    assert ":no_entry: *A-12 rejected*" in reply
    assert "“&lt;!channel&gt; admits liability”" in reply


def test_revision_diff_shows_changed_lines_escaped() -> None:
    old = revision(1, "We are sorry.\nIt was our fault.\nWe will do better.")
    new = revision(2, "We are sorry.\nWe hear you <3.\nWe will do better.", title="Apology v2")
    diff = revision_diff(old, new)
    assert diff.startswith(":pencil2: *A-12 revised* to revision 2 by <@U0MARIA>")
    assert "*Title* was “Apology”, now “Apology v2”" in diff
    assert "-It was our fault.\n+We hear you &lt;3." in diff
    assert diff.endswith("```")


def test_revision_diff_of_huge_drafts_fits_in_3000() -> None:
    old = revision(1, "\n".join(f"old line {n} <&>" for n in range(400)))
    new = revision(2, "\n".join(f"new line {n} <&>" for n in range(400)))
    diff = revision_diff(old, new)
    assert len(diff) <= 3000 and diff.endswith("…\n```")
    assert revision_diff(old, revision(2, old.details)).endswith(
        "_The draft wording is unchanged._"
    )


def actions(count: int) -> list[Action]:
    states = list(ActionState)
    return [
        Action(
            id=n,
            incident_id=3,
            title=f"Action <{n}>",
            category=Category.OTHER,
            proposer="U0MARIA",
            state=states[n % len(states)],
            created_at=AT,
            updated_at=AT,
        )
        for n in range(1, count + 1)
    ]


def test_actions_list_stays_within_50_blocks() -> None:
    dicts = message_dicts(actions_list_blocks(actions(120)))
    assert len(dicts) == 49
    assert dicts[-1]["elements"][0]["text"] == "…and 74 more; the oldest are shown first."
    assert "Action &lt;1&gt;" in dicts[2]["text"]["text"]
    assert message_dicts(actions_list_blocks([]))[0]["text"]["text"].startswith("No actions")


def test_policy_blocks_show_every_category() -> None:
    dicts = message_dicts(policy_blocks(DEFAULT_POLICY))
    lines = dicts[1]["text"]["text"].split("\n")
    assert lines[0] == "*Public statement*: Legal + Executive · :shield: wording screened"
    assert lines[2] == "*Paid media change*: Marketing"
    assert "“our fault”" in dicts[2]["elements"][0]["text"]

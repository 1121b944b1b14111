"""The pure rules behind every change: a closed incident takes none, and four eyes decide."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from app.approvals.models import Action, ActionRevision, Decision
from app.approvals.policy import DEFAULT_POLICY, ApprovalPolicy, Category
from app.approvals.rules import authors_of, check_four_eyes
from app.errors import BadCommand, NotAuthorized
from app.incidents.models import Incident, Status
from app.incidents.rules import IncidentClosed, card_line, check_open, closed_line
from app.slack.blocks.approvals.lists import four_eyes_text

AT = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def incident(status: Status) -> Incident:
    return Incident(
        id=1,
        title="Viral video",
        status=status,
        channel_id="G1",
        channel_name="crisis-viral",
        opened_by="U0MARIA",
        opened_at=AT,
    )


def action(proposer: str = "U0MARIA") -> Action:
    return Action(
        id=7,
        incident_id=1,
        title="Apology",
        category=Category.PUBLIC_STATEMENT,
        proposer=proposer,
        owner="U0SARAH",
        created_at=AT,
        updated_at=AT,
    )


def revision(number: int, by: str) -> ActionRevision:
    return ActionRevision(action_id=7, revision=number, title="t", details="d", by=by, at=AT)


@pytest.mark.parametrize("status", [Status.INVESTIGATING, Status.RESPONDING, Status.MONITORING])
def test_an_open_incident_takes_changes(status: Status) -> None:
    check_open(incident(status), archived=False, doing="post an update")
    assert closed_line(incident(status), archived=False) is None
    assert card_line(incident(status), archived=False) is None


def test_a_resolved_incident_is_refused_with_the_way_back() -> None:
    with pytest.raises(IncidentClosed) as caught:
        check_open(incident(Status.RESOLVED), archived=False, doing="approve A-7")
    assert caught.value.message == "INC-1 is resolved; `/crisis reopen` first to approve A-7."
    assert isinstance(caught.value, BadCommand)
    bare = closed_line(incident(Status.RESOLVED), archived=False)
    assert bare == "INC-1 is resolved; `/crisis reopen` first."


def test_an_archived_incident_is_final() -> None:
    with pytest.raises(IncidentClosed) as caught:
        check_open(incident(Status.RESOLVED), archived=True, doing="revise A-7")
    assert caught.value.message == (
        "INC-1 is archived; its record stays exportable but nothing can change."
    )
    assert "reopen" not in caught.value.message


def test_cards_of_a_closed_incident_say_why_they_have_no_buttons() -> None:
    resolved = card_line(incident(Status.RESOLVED), archived=False)
    assert resolved is not None and "INC-1 is resolved" in resolved and "/crisis reopen" in resolved
    archived = card_line(incident(Status.RESOLVED), archived=True)
    assert archived is not None and "archived" in archived and "reopen" not in archived


def test_authors_are_the_proposer_and_every_reviser() -> None:
    revisions = [revision(1, "U0MARIA"), revision(2, "U0SARAH"), revision(3, "U0MARIA")]
    assert authors_of(action(), revisions) == {"U0MARIA", "U0SARAH"}
    assert authors_of(action(), []) == {"U0MARIA"}


@pytest.mark.parametrize(
    ("decision", "verb"),
    [
        (Decision.APPROVE, "approve"),
        (Decision.REQUEST_CHANGES, "request changes on"),
        (Decision.REJECT, "reject"),
    ],
)
def test_the_proposer_decides_nothing_on_their_own_words(decision: Decision, verb: str) -> None:
    with pytest.raises(NotAuthorized) as caught:
        check_four_eyes(
            action(), authors={"U0MARIA"}, by="U0MARIA", decision=decision, allowed=False
        )
    assert (
        caught.value.message == f"You proposed A-7; someone else must {verb} it (four-eyes rule)."
    )


def test_a_reviser_counts_as_an_author() -> None:
    with pytest.raises(NotAuthorized, match=r"^You revised A-7; someone else must approve it"):
        check_four_eyes(
            action(),
            authors={"U0MARIA", "U0SARAH"},
            by="U0SARAH",
            decision=Decision.APPROVE,
            allowed=False,
        )


def test_someone_else_or_a_policy_that_allows_it_may_decide() -> None:
    """Neither call raises: the refusal above is the only way four eyes stop a decision."""
    check_four_eyes(
        action(), authors={"U0MARIA"}, by="U0DAVID", decision=Decision.APPROVE, allowed=False
    )
    check_four_eyes(
        action(), authors={"U0MARIA"}, by="U0MARIA", decision=Decision.APPROVE, allowed=True
    )


def test_the_policy_shown_in_slack_states_the_four_eyes_rule() -> None:
    strict = four_eyes_text(DEFAULT_POLICY)
    assert "nobody decides on what they proposed or revised" in strict
    assert "except" not in strict
    lenient = ApprovalPolicy(
        DEFAULT_POLICY.approvers,
        DEFAULT_POLICY.guarded,
        DEFAULT_POLICY.fault_phrases,
        frozenset({Category.INTERNAL}),
    )
    assert four_eyes_text(lenient).endswith("except: Internal or operational.")

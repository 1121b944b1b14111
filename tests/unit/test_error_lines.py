"""The one renderer of refusals: plain text escaped once, mentions and dates built from data.

Domain errors carry plain words and typed fields; `error_line()` in the Slack adapter makes the
mrkdwn line. The last test walks the domain packages' source so no error there is written in
mrkdwn again (no mentions, Slack dates, escaping or `mrkdwn=True`).
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from app.approvals.errors import AlreadyDecided, DecidedBy
from app.approvals.models import Action, ActionState, Approval, DecisionState
from app.approvals.policy import Category
from app.approvals.wording import already_decided, not_pending, stale_revision
from app.errors import BadCommand, CrisisError, NotAuthorized, SlackFailure
from app.review.errors import AlreadyReviewed
from app.roles.models import Role
from app.slack.blocks.error_lines import error_line
from app.slack.blocks.text import unescape, when
from app.slackdouble.mentions import Allowed, Sent, double_escaped, live_sequences
from app.updates.durations import parse_duration

AT = datetime(2026, 11, 21, 14, 5, tzinfo=UTC)
HOSTILE = "<!channel> & <@U0EVIL> <https://evil.example|click>"
APP = Path(__file__).resolve().parents[2] / "app"
DOMAIN = ("incidents", "roles", "approvals", "updates", "record", "review", "audit", "home")


def approval(state: DecisionState, by: str | None = "U0DAVID") -> Approval:
    return Approval(
        action_id=7, revision=1, role=Role.LEGAL, state=state, decided_by=by, decided_at=AT
    )


def action(state: ActionState, *, revision: int = 1) -> Action:
    return Action(
        id=7,
        incident_id=1,
        title="CEO apology",
        category=Category.PUBLIC_STATEMENT,
        proposer="U0MARIA",
        revision=revision,
        state=state,
        created_at=AT,
        updated_at=AT,
        done_by="U0SARAH",
        done_at=AT,
    )


def test_plain_text_is_escaped_exactly_once() -> None:
    line = error_line(BadCommand(f"`{HOSTILE}` is not a duration."))
    assert line == (
        "`&lt;!channel&gt; &amp; &lt;@U0EVIL&gt; &lt;https://evil.example|click&gt;` "
        "is not a duration."
    )
    assert live_sequences([Sent("line", line)], Allowed()) == []
    assert double_escaped([Sent("line", line)]) == []
    assert unescape(line) == f"{HOSTILE} is not a duration."


def test_text_already_escaped_by_a_person_shows_as_they_typed_it() -> None:
    assert error_line(NotAuthorized("Tom &amp; Jerry")) == "Tom &amp;amp; Jerry"


def test_an_adapter_line_already_in_mrkdwn_is_sent_as_it_is() -> None:
    usage = "`/crisis &lt;!channel&gt;` is not a command. Ask <@U0MARIA>."
    assert error_line(BadCommand(usage, mrkdwn=True)) == usage
    failure = SlackFailure("I couldn't look up <@U0X>: not found in this workspace.", error="x")
    assert failure.mrkdwn and error_line(failure) == failure.message


def test_a_decision_names_who_settled_it_and_when() -> None:
    line = error_line(
        DecidedBy("Legal already approved this:", state="approved", by="U0DAVID", at=AT)
    )
    assert line == "Legal already approved this: <@U0DAVID> at 2026-11-21 14:05 UTC."
    nobody = DecidedBy("Legal already approved this:", state="approved")
    assert error_line(nobody) == "Legal already approved this: at an unknown time."


@pytest.mark.parametrize(
    ("error", "line"),
    [
        (
            already_decided(approval(DecisionState.APPROVED)),
            "Legal already approved this: <@U0DAVID> at 2026-11-21 14:05 UTC.",
        ),
        (
            already_decided(approval(DecisionState.CHANGES_REQUESTED, by=None)),
            "Legal already requested changes on this: at 2026-11-21 14:05 UTC.",
        ),
        (
            not_pending(action(ActionState.DONE), []),
            "A-7 is already done: marked by <@U0SARAH> at 2026-11-21 14:05 UTC.",
        ),
        (
            not_pending(action(ActionState.REJECTED), [approval(DecisionState.REJECTED)]),
            "A-7 was already rejected by Legal, <@U0DAVID> at 2026-11-21 14:05 UTC.",
        ),
        (not_pending(action(ActionState.APPROVED), []), "A-7 was already approved."),
        (
            stale_revision(action(ActionState.PENDING, revision=3), 2),
            "That was revision 2 of A-7; the wording has changed since (now revision 3). "
            "Decide on the latest card.",
        ),
    ],
)
def test_late_decisions_read_as_before(error: AlreadyDecided, line: str) -> None:
    assert "<" not in error.message  # the domain's words hold no mention
    assert error_line(error) == line


def test_a_second_review_names_the_reviewer_and_the_date() -> None:
    dated = AlreadyReviewed("INC-3", by="U0MARIA", at=AT)
    assert dated.message == "INC-3 was already reviewed."
    assert error_line(dated) == f"INC-3 was already reviewed by <@U0MARIA> {when(AT)}."
    assert error_line(AlreadyReviewed("INC-3", by="U0MARIA")) == (
        "INC-3 was already reviewed by <@U0MARIA>."
    )


def test_a_typed_duration_is_quoted_plain_in_the_domain_and_escaped_in_slack() -> None:
    with pytest.raises(BadCommand) as refused:
        parse_duration("<!here>")
    assert refused.value.message.startswith("`<!here>` is not a duration")
    assert error_line(refused.value).startswith("`&lt;!here&gt;` is not a duration")


def error_classes(trees: list[ast.Module]) -> set[str]:
    """`CrisisError` and every class that derives from it, found by name in app/'s source."""
    names = {"CrisisError"}
    while True:
        found = {
            node.name
            for tree in trees
            for node in ast.walk(tree)
            if isinstance(node, ast.ClassDef) and any(_name(base) in names for base in node.bases)
        }
        if found <= names:
            return names
        names |= found


def _name(node: ast.expr) -> str:
    if isinstance(node, ast.Attribute):
        return node.attr
    return node.id if isinstance(node, ast.Name) else ""


SLACK_TOKENS = ("<@", "<#", "<!date", "<!here", "<!channel", "<!everyone", "<!subteam")
ESCAPERS = {"escape", "safe", "when", "mention", "mentions", "channel_link"}


def mrkdwn_in(tree: ast.Module, errors: set[str]) -> Iterator[str]:
    """Mentions, Slack dates or escaping written by hand, and errors that claim to be mrkdwn."""
    docstrings = {id(node.value) for node in ast.walk(tree) if isinstance(node, ast.Expr)}
    for node in ast.walk(tree):
        text = node.value if isinstance(node, ast.Constant) else None
        if isinstance(text, str) and id(node) not in docstrings and _slack_token(text):
            yield f"line {node.lineno}: {text!r}"
        if not isinstance(node, ast.Call):
            continue
        if _name(node.func) in errors and any(k.arg == "mrkdwn" for k in node.keywords):
            yield f"line {node.lineno}: mrkdwn="
        if _escaper(node.func):
            yield f"line {node.lineno}: {_name(node.func)}()"


def _slack_token(text: str) -> bool:
    return any(token in text for token in SLACK_TOKENS)


def _escaper(func: ast.expr) -> bool:
    """`escape()`, `html.escape()`, `when()`…, but not `re.escape()`."""
    if isinstance(func, ast.Attribute):
        return func.attr in ESCAPERS and _name(func.value) != "re"
    return _name(func) in ESCAPERS


def test_domain_errors_are_written_in_plain_words() -> None:
    paths = sorted(APP.rglob("*.py"))
    trees = [ast.parse(path.read_text(encoding="utf-8")) for path in paths]
    errors = error_classes(trees)
    assert {"BadCommand", "AlreadyDecided", "DecidedBy", "AlreadyReviewed"} <= errors
    found = [
        f"{path.relative_to(APP.parent)} {problem}"
        for path, tree in zip(paths, trees, strict=True)
        if _domain(path.relative_to(APP))
        for problem in mrkdwn_in(tree, errors)
    ]
    assert found == []


def _domain(path: Path) -> bool:
    """The domain packages, less the record's export, which reads Slack's tokens back."""
    return path.parts[0] in DOMAIN and path.parts[:2] != ("record", "export")


def test_every_crisis_error_has_a_line() -> None:
    assert error_line(CrisisError("Plain <words>")) == "Plain &lt;words&gt;"

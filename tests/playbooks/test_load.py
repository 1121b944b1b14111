"""The playbook file: the shipped defaults, and one clear line for every mistake in a file."""

from __future__ import annotations

from pathlib import Path

import pytest

from app.approvals.policy import Category
from app.incidents.models import Severity
from app.playbooks.book import Step, TickEvent
from app.playbooks.errors import PlaybookError
from app.playbooks.load import load_playbooks
from app.roles.models import Role


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "playbooks.yml"
    path.write_text(text, encoding="utf-8")
    return path


def mistakes(tmp_path: Path, text: str) -> list[str]:
    path = write(tmp_path, text)
    with pytest.raises(PlaybookError) as raised:
        load_playbooks(path)
    assert all(line.startswith(f"{path}: ") for line in raised.value.lines)
    return [line.removeprefix(f"{path}: ") for line in raised.value.lines]


def test_the_shipped_playbooks_load_when_the_setting_is_empty() -> None:
    books = load_playbooks("")
    assert list(books.kinds)[:2] == ["general", "service_failure_viral"]
    assert books.default.key == "general" and books.default.actions == ()
    assert {"product_recall", "data_incident", "executive_conduct", "positive_virality"} <= set(
        books.kinds
    )


def test_the_shipped_viral_service_failure_playbook_is_the_seed() -> None:
    book = load_playbooks(None).kinds["service_failure_viral"]
    assert book.label == "Customer-service failure goes viral"
    titles = [action.title for action in book.actions]
    assert titles == [
        "Apology statement on all platforms",
        "Remedy for the affected customer",
        "Pause paid social advertising",
        "Influencer and partner messaging",
        "Root-cause analysis",
        "Training refresh for the customer-service team",
        "24/7 monitoring until sentiment recovers",
    ]
    apology = book.actions[0]
    assert (apology.category, apology.owner_role) == (Category.PUBLIC_STATEMENT, Role.EXEC)
    assert "Start from holding statement apology-long-wait." in apology.full_details()
    assert [item.step for item in book.checklist] == list(Step)
    ticks = {item.step: item.ticks_on for item in book.checklist if item.ticks_on}
    assert ticks == {
        Step.COMMUNICATE: TickEvent.STATEMENT_APPROVED,
        Step.UPDATE: TickEvent.UPDATE_POSTED,
    }
    assert (book.cadence_minutes, book.for_severity(Severity.SEV1).cadence_minutes) == (30, 15)


def test_a_severity_replaces_only_what_it_names(tmp_path: Path) -> None:
    books = load_playbooks(
        write(
            tmp_path,
            """
kinds:
  product_recall:
    label: Product recall
    cadence_minutes: 30
    invite: [U0LEGAL1]
    actions: [{title: Recall notice, category: public_statement, statement: recall-notice}]
    by_severity:
      SEV1: {invite_groups: [S0EXECS], actions: []}
""",
        )
    )
    sev1 = books.kinds["product_recall"].for_severity(Severity.SEV1)
    assert (sev1.cadence_minutes, sev1.invite, sev1.invite_groups, sev1.actions) == (
        30,
        ("U0LEGAL1",),
        ("S0EXECS",),
        (),
    )
    sev2 = books.kinds["product_recall"].for_severity(Severity.SEV2)
    assert [a.statement for a in sev2.actions] == ["recall-notice"] and sev2.invite_groups == ()


def test_every_mistake_gets_its_own_line(tmp_path: Path) -> None:
    lines = mistakes(
        tmp_path,
        """
kinds:
  product_recall:
    label: Product recall
    cadence_minutes: soon
    invite: [maria]
    invite_groups: [U0NOTAGROUP]
    colour: red
    actions:
      - {title: Recall notice, category: press, owner_role: ceo, statement: "Recall Notice!"}
      - {category: internal}
    checklist:
      - {step: assess, label: Gather the facts}
      - {step: assess, label: Again}
      - {step: pray, label: Hope}
      - {step: update, label: Tell everyone, ticks_on: lunch}
    by_severity:
      SEV4: {cadence_minutes: 5}
      SEV1: {cadence_minutes: 0}
""",
    )
    where = "kinds.product_recall"
    assert lines == [
        f'{where}: unknown key "colour"; use label, cadence_minutes, invite, invite_groups, '
        "actions, checklist, by_severity, metrics",
        f"{where}.actions[0].category: 'press' is not a category; write one of "
        "public_statement, customer_remedy, paid_media, partnership, internal, other",
        f"{where}.actions[0].owner_role: 'ceo' is not a role; write one of "
        "lead, exec, legal, marketing, social",
        f"{where}.actions[0].statement: 'Recall Notice!' is not a statement key; write the "
        "library key, such as apology-long-wait",
        f'{where}.actions[1].title: is missing or empty; write some text, such as "Apology '
        'statement"',
        f"{where}.cadence_minutes: 'soon' is not a number of minutes; write a whole number of "
        "at least 1, such as 30",
        f"{where}.invite[0]: 'maria' is not a Slack id; write an id such as U0123ABCD",
        f"{where}.invite_groups[0]: 'U0NOTAGROUP' is not a Slack id; write an id such as S0123ABCD",
        f'{where}.checklist[1].step: "assess" is listed twice; list each step once',
        f"{where}.checklist[2].step: 'pray' is not a step of the method; write one of assess, "
        "communicate, engage, coordinate, update, empathize, plan, monitor, review",
        f"{where}.checklist[3].ticks_on: 'lunch' is not an event; write one of "
        "statement_approved, action_approved, update_posted, or leave it out",
        f'{where}.by_severity: unknown key "SEV4"; use SEV1, SEV2, SEV3',
        f"{where}.by_severity.SEV1.cadence_minutes: 0 is not a number of minutes; write a "
        "whole number of at least 1, such as 30",
    ]


@pytest.mark.parametrize(
    ("text", "line"),
    [
        ("", "(top): the file is empty; write `kinds:` with at least one kind"),
        ("kinds: {}", "kinds: is missing or empty; map each kind's key to its playbook"),
        ("kinds: [a]", "kinds: is missing or empty; map each kind's key to its playbook"),
        (
            "playbooks: {}",
            '(top): unknown key "playbooks"; use kinds, shared',
        ),
        (
            "kinds:\n  Product Recall: {label: Recall}",
            "kinds.Product Recall: is not a usable key; use lowercase letters, digits and _",
        ),
        (
            "kinds:\n  recall: {}",
            'kinds.recall.label: is missing or empty; write some text, such as "Customer-service '
            'failure goes viral"',
        ),
        (
            "kinds:\n  recall: {label: Recall, actions: {title: x}}",
            "kinds.recall.actions: is not a list; write a list such as "
            "[{title: ..., category: public_statement}]",
        ),
    ],
)
def test_each_mistake_names_the_place_and_what_to_write(
    tmp_path: Path, text: str, line: str
) -> None:
    assert line in mistakes(tmp_path, text)


def test_a_missing_file_or_broken_yaml_is_one_line(tmp_path: Path) -> None:
    with pytest.raises(PlaybookError) as raised:
        load_playbooks(tmp_path / "nope.yml")
    assert raised.value.lines == (
        f"{tmp_path / 'nope.yml'}: no such file; set CRISIS_PLAYBOOK_FILE to a YAML file",
    )
    [line] = mistakes(tmp_path, "kinds:\n  a: [\n")
    assert line.startswith("not valid YAML (line 3, column 1")

"""The approval policy: defaults, a YAML file overriding them, and one clear line per mistake."""

from __future__ import annotations

from pathlib import Path

import pytest

from app.approvals.policy import (
    DEFAULT_FAULT_PHRASES,
    DEFAULT_POLICY,
    Category,
    PolicyError,
    describe_policy,
    load_policy,
)
from app.roles.models import Role


def test_defaults_route_each_category() -> None:
    policy = load_policy(None)
    assert policy is DEFAULT_POLICY
    assert policy.required_roles(Category.PUBLIC_STATEMENT) == (Role.LEGAL, Role.EXEC)
    assert policy.required_roles(Category.CUSTOMER_REMEDY) == (Role.LEGAL, Role.EXEC)
    assert policy.required_roles(Category.PAID_MEDIA) == (Role.MARKETING,)
    assert policy.required_roles(Category.PARTNERSHIP) == (Role.MARKETING, Role.LEGAL)
    assert policy.required_roles(Category.INTERNAL) == (Role.LEAD,)
    assert policy.required_roles(Category.OTHER) == (Role.LEAD,)
    assert [c for c in Category if policy.is_guarded(c)] == [
        Category.PUBLIC_STATEMENT,
        Category.CUSTOMER_REMEDY,
    ]
    assert "we're liable" in policy.fault_phrases and len(policy.fault_phrases) == 10


def test_describe_lists_every_category_with_its_label() -> None:
    rows = describe_policy(DEFAULT_POLICY)
    assert rows[0] == ("Public statement", [Role.LEGAL, Role.EXEC], True)
    assert rows[1][0] == "Customer remedy (refund, compensation)"
    assert [label for label, _, _ in rows][-1] == "Other"


def test_a_file_overrides_only_what_it_names(tmp_path: Path) -> None:
    path = tmp_path / "policy.yml"
    path.write_text(
        "categories:\n"
        "  public_statement: {approvers: [legal, exec, lead], wording_guard: true}\n"
        "  paid_media: {approvers: [marketing, exec]}\n"
        "  partnership: {wording_guard: true}\n"
        "  customer_remedy: {wording_guard: false}\n"
        'fault_phrases: ["our fault", "  we are   liable "]\n'
    )
    policy = load_policy(path)
    assert policy.required_roles(Category.PUBLIC_STATEMENT) == (Role.LEGAL, Role.EXEC, Role.LEAD)
    assert policy.required_roles(Category.PAID_MEDIA) == (Role.MARKETING, Role.EXEC)
    assert policy.required_roles(Category.PARTNERSHIP) == (Role.MARKETING, Role.LEGAL)
    assert policy.required_roles(Category.INTERNAL) == (Role.LEAD,)
    assert policy.is_guarded(Category.PARTNERSHIP)
    assert not policy.is_guarded(Category.CUSTOMER_REMEDY)
    assert policy.fault_phrases == ("our fault", "we are liable")


def test_a_file_without_phrases_keeps_the_default_phrases(tmp_path: Path) -> None:
    path = tmp_path / "policy.yml"
    path.write_text("categories:\n  other: {approvers: [exec]}\n")
    policy = load_policy(str(path))
    assert policy.fault_phrases == DEFAULT_FAULT_PHRASES
    assert policy.required_roles(Category.OTHER) == (Role.EXEC,)


@pytest.mark.parametrize(
    ("content", "problem"),
    [
        (
            "categories:\n  paid_media: {approvers: [cmo]}\n",
            'categories.paid_media.approvers: "cmo" is not a role '
            "(lead, exec, legal, marketing, social)",
        ),
        (
            "categories:\n  press: {approvers: [legal]}\n",
            'categories: "press" is not a category (public_statement, customer_remedy, '
            "paid_media, partnership, internal, other)",
        ),
        (
            "categories:\n  paid_media: {approvers: []}\n",
            "categories.paid_media.approvers: needs at least one role",
        ),
        (
            "categories:\n  paid_media: {approvers: marketing}\n",
            "categories.paid_media.approvers: expected a list of roles",
        ),
        (
            "categories:\n  paid_media: {approvers: [legal, legal]}\n",
            'categories.paid_media.approvers: "legal" is listed twice',
        ),
        (
            "categories:\n  paid_media: {approver: [legal]}\n",
            'categories.paid_media: unknown key "approver" '
            "(expected approvers, wording_guard, self_approval, response_time)",
        ),
        (
            "categories:\n  paid_media: {wording_guard: maybe}\n",
            "categories.paid_media.wording_guard: must be true or false",
        ),
        (
            "categories:\n  internal: {self_approval: yes please}\n",
            "categories.internal.self_approval: must be true or false",
        ),
        (
            "categories:\n  internal: {self_approval: 1}\n",
            "categories.internal.self_approval: must be true or false",
        ),
        ("categories: [legal]\n", "categories: expected a mapping of category names"),
        ("fault_phrases: our fault\n", "fault_phrases: expected a list of phrases"),
        ('fault_phrases: ["ok", ""]\n', "fault_phrases: '' is not a phrase"),
        ("approvers: [legal]\n", 'unknown key "approvers" (expected categories, fault_phrases)'),
        ("- legal\n", "expected a mapping with categories, fault_phrases"),
        ("", "the file is empty"),
        ("categories:\n  paid_media: {approvers: [legal\n", "not valid YAML (line 3, column 1"),
    ],
)
def test_each_mistake_is_one_clear_line(tmp_path: Path, content: str, problem: str) -> None:
    path = tmp_path / "policy.yml"
    path.write_text(content)
    with pytest.raises(PolicyError) as caught:
        load_policy(path)
    message = caught.value.message
    assert message.startswith(f"{path}: ") and "\n" not in message
    assert problem in message


def test_a_missing_file_is_named(tmp_path: Path) -> None:
    with pytest.raises(PolicyError, match=r"nowhere\.yml: no such file$"):
        load_policy(tmp_path / "nowhere.yml")


def test_self_approval_is_off_for_every_category_by_default() -> None:
    assert not [c for c in Category if DEFAULT_POLICY.allows_self_approval(c)]


def test_a_file_allows_self_approval_per_category(tmp_path: Path) -> None:
    path = tmp_path / "policy.yml"
    path.write_text(
        "categories:\n"
        "  internal: {self_approval: true}\n"
        "  other: {approvers: [exec], self_approval: false}\n"
    )
    policy = load_policy(path)
    assert [c for c in Category if policy.allows_self_approval(c)] == [Category.INTERNAL]
    assert policy.required_roles(Category.INTERNAL) == (Role.LEAD,)
    assert policy.required_roles(Category.OTHER) == (Role.EXEC,)

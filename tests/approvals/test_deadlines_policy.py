"""Response times in the approval policy file: defaults, overrides, one line per mistake."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest

from app.approvals.policy import DEFAULT_POLICY, Category, PolicyError, load_policy
from app.incidents.models import Severity


def policy_file(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "policy.yml"
    path.write_text(text, encoding="utf-8")
    return path


def test_every_category_and_severity_has_a_default() -> None:
    for category in Category:
        times = [DEFAULT_POLICY.response_time(category, severity) for severity in Severity]
        assert times == sorted(times) and times[0] >= timedelta(minutes=30)
    sev1_statement = DEFAULT_POLICY.response_time(Category.PUBLIC_STATEMENT, Severity.SEV1)
    assert sev1_statement == timedelta(minutes=30)


def test_a_file_overrides_the_severities_it_names(tmp_path: Path) -> None:
    path = policy_file(
        tmp_path,
        "categories:\n  public_statement:\n    response_time: {SEV1: 15m, sev2: 1h30m}\n",
    )
    policy = load_policy(path)
    assert policy.response_time(Category.PUBLIC_STATEMENT, Severity.SEV1) == timedelta(minutes=15)
    assert policy.response_time(Category.PUBLIC_STATEMENT, Severity.SEV2) == timedelta(minutes=90)
    assert policy.response_time(Category.PUBLIC_STATEMENT, Severity.SEV3) == timedelta(hours=4)
    assert policy.required_roles(Category.PUBLIC_STATEMENT) == DEFAULT_POLICY.required_roles(
        Category.PUBLIC_STATEMENT
    )


@pytest.mark.parametrize(
    ("value", "problem"),
    [
        ("30m", "categories.paid_media.response_time: expected severities and durations"),
        ("{SEV4: 30m}", 'categories.paid_media.response_time: "SEV4" is not a severity'),
        ("{SEV1: soon}", 'categories.paid_media.response_time.SEV1: "soon" is not a duration'),
        ("{SEV1: 30}", "categories.paid_media.response_time.SEV1: say the unit, such as 30m"),
        ("{SEV1: 30s}", "categories.paid_media.response_time.SEV1: 30s is outside 1 minute"),
        ("{SEV1: 8d}", "categories.paid_media.response_time.SEV1: 8d is outside 1 minute"),
        ("{}", "categories.paid_media.response_time: expected severities and durations"),
    ],
)
def test_each_mistake_is_one_clear_line(tmp_path: Path, value: str, problem: str) -> None:
    path = policy_file(tmp_path, f"categories:\n  paid_media:\n    response_time: {value}\n")
    with pytest.raises(PolicyError) as raised:
        load_policy(path)
    message = str(raised.value)
    assert message.startswith(f"{path}: {problem}"), message
    assert "\n" not in message


def test_an_unknown_key_names_response_time_among_the_expected(tmp_path: Path) -> None:
    path = policy_file(tmp_path, "categories:\n  internal:\n    deadline: 30m\n")
    with pytest.raises(PolicyError, match="response_time"):
        load_policy(path)

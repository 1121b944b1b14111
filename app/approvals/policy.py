"""Which roles must approve each category of proposed action, and which drafts Legal screens.

The YAML file named by CRISIS_POLICY_FILE may override, per category:

- `approvers`: the roles that must each approve, e.g. `[legal, exec]`;
- `wording_guard`: `true` to screen the draft for admissions of fault;
- `self_approval`: `true` to let the author of an action (its proposer, or whoever revised it)
  decide on it for a role they hold. Off by default for every category: the four-eyes rule
  means someone else must approve, request changes on or reject what you wrote;
- `response_time`: per severity, how long an approval may wait before its approvers are
  reminded (twice that: the role's backup is asked), e.g. `{SEV1: 30m}` (see deadlines.py).

and, at the top level, `fault_phrases`: the phrases the wording guard looks for.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import timedelta
from enum import StrEnum
from pathlib import Path
from typing import Any

import yaml

from app.approvals.deadlines import (
    DEFAULT_RESPONSE_TIMES,
    ResponseTimeInvalid,
    response_times_from,
)
from app.errors import CrisisError
from app.incidents.models import Severity
from app.roles.models import ROLE_NAMES, Role


class Category(StrEnum):
    PUBLIC_STATEMENT = "public_statement"
    CUSTOMER_REMEDY = "customer_remedy"
    PAID_MEDIA = "paid_media"
    PARTNERSHIP = "partnership"
    INTERNAL = "internal"
    OTHER = "other"

    @property
    def label(self) -> str:
        return {
            "public_statement": "Public statement",
            "customer_remedy": "Customer remedy (refund, compensation)",
            "paid_media": "Paid media change",
            "partnership": "Partnership or influencer",
            "internal": "Internal or operational",
            "other": "Other",
        }[self.value]


DEFAULT_APPROVERS: dict[Category, tuple[Role, ...]] = {
    Category.PUBLIC_STATEMENT: (Role.LEGAL, Role.EXEC),
    Category.CUSTOMER_REMEDY: (Role.LEGAL, Role.EXEC),
    Category.PAID_MEDIA: (Role.MARKETING,),
    Category.PARTNERSHIP: (Role.MARKETING, Role.LEGAL),
    Category.INTERNAL: (Role.LEAD,),
    Category.OTHER: (Role.LEAD,),
}
DEFAULT_GUARDED = frozenset({Category.PUBLIC_STATEMENT, Category.CUSTOMER_REMEDY})
DEFAULT_FAULT_PHRASES: tuple[str, ...] = (
    "our fault",
    "we are liable",
    "we're liable",
    "negligent",
    "negligence",
    "we admit",
    "we were wrong to",
    "we take full responsibility",
    "our mistake",
    "it was our error",
)

CATEGORY_NAMES = ", ".join(category.value for category in Category)
CATEGORY_KEYS = ("approvers", "wording_guard", "self_approval", "response_time")


class PolicyError(CrisisError):
    """The policy file cannot be used; the message names the file and the problem in one line."""


@dataclass(frozen=True)
class ApprovalPolicy:
    approvers: Mapping[Category, tuple[Role, ...]]
    guarded: frozenset[Category]
    fault_phrases: tuple[str, ...]
    self_approved: frozenset[Category] = frozenset()
    response_times: Mapping[tuple[str, Severity], timedelta] = field(
        default_factory=lambda: DEFAULT_RESPONSE_TIMES
    )

    def response_time(self, category: Category, severity: Severity) -> timedelta:
        """How long an approval of `category` in an incident of `severity` may wait."""
        return self.response_times[(Category(category).value, Severity(severity))]

    def required_roles(self, category: Category) -> tuple[Role, ...]:
        return self.approvers[Category(category)]

    def is_guarded(self, category: Category) -> bool:
        return Category(category) in self.guarded

    def allows_self_approval(self, category: Category) -> bool:
        """Whether an action's author may decide on it (off unless the file says so)."""
        return Category(category) in self.self_approved


DEFAULT_POLICY = ApprovalPolicy(DEFAULT_APPROVERS, DEFAULT_GUARDED, DEFAULT_FAULT_PHRASES)


def describe_policy(policy: ApprovalPolicy) -> list[tuple[str, list[Role], bool]]:
    """One row per category, in a stable order: its label, who approves, whether it is screened."""
    return [
        (category.label, list(policy.required_roles(category)), policy.is_guarded(category))
        for category in Category
    ]


def load_policy(path: str | Path | None) -> ApprovalPolicy:
    """The defaults, overridden by the YAML file at `path` when one is given."""
    if path is None:
        return DEFAULT_POLICY
    name = str(path)
    try:
        raw = Path(path).read_text(encoding="utf-8")
    except FileNotFoundError:
        raise PolicyError(f"{name}: no such file") from None
    except OSError as error:
        raise PolicyError(f"{name}: cannot be read ({error.strerror})") from None
    try:
        data = yaml.safe_load(raw)
    except yaml.YAMLError as error:
        raise PolicyError(f"{name}: not valid YAML ({_yaml_problem(error)})") from None
    try:
        return _policy_from(data)
    except (_Invalid, ResponseTimeInvalid) as invalid:
        raise PolicyError(f"{name}: {invalid}") from None


class _Invalid(Exception):
    """A problem at a dotted place in the file (empty for the top level)."""

    def __init__(self, where: str, problem: str) -> None:
        super().__init__(f"{where}: {problem}" if where else problem)


def _yaml_problem(error: yaml.YAMLError) -> str:
    mark = getattr(error, "problem_mark", None)
    problem = getattr(error, "problem", None) or "cannot be parsed"
    if mark is None:
        return str(problem)
    return f"line {mark.line + 1}, column {mark.column + 1}: {problem}"


def _mapping(value: Any, where: str, allowed: tuple[str, ...]) -> dict[Any, Any]:
    expected = ", ".join(allowed)
    if not isinstance(value, dict):
        raise _Invalid(where, f"expected a mapping with {expected}")
    for key in value:
        if key not in allowed:
            raise _Invalid(where, f'unknown key "{key}" (expected {expected})')
    return value


def _policy_from(data: Any) -> ApprovalPolicy:
    if data is None:
        raise _Invalid("", "the file is empty; expected categories and/or fault_phrases")
    top = _mapping(data, "", ("categories", "fault_phrases"))
    approvers = dict(DEFAULT_APPROVERS)
    guarded = set(DEFAULT_GUARDED)
    self_approved: set[Category] = set()
    times = dict(DEFAULT_RESPONSE_TIMES)
    categories = top.get("categories") or {}
    if not isinstance(categories, dict):
        raise _Invalid("categories", f"expected a mapping of category names ({CATEGORY_NAMES})")
    for key, entry in categories.items():
        category = _category(key)
        where = f"categories.{key}"
        fields = _mapping(entry, where, CATEGORY_KEYS)
        if "approvers" in fields:
            approvers[category] = _roles(fields["approvers"], f"{where}.approvers")
        _switch(fields, "wording_guard", where, category, guarded)
        _switch(fields, "self_approval", where, category, self_approved)
        if "response_time" in fields:
            response_times_from(fields["response_time"], f"{where}.response_time", category, times)
    phrases = DEFAULT_FAULT_PHRASES
    if "fault_phrases" in top:
        phrases = _phrases(top["fault_phrases"])
    chosen = frozenset(self_approved)
    return ApprovalPolicy(approvers, frozenset(guarded), phrases, chosen, times)


def _switch(
    fields: dict[Any, Any], key: str, where: str, category: Category, chosen: set[Category]
) -> None:
    """A true/false key of a category: add the category to `chosen` or take it out."""
    if key not in fields:
        return
    if not isinstance(fields[key], bool):
        raise _Invalid(f"{where}.{key}", "must be true or false")
    if fields[key]:
        chosen.add(category)
    else:
        chosen.discard(category)


def _category(key: Any) -> Category:
    if key not in {category.value for category in Category}:
        raise _Invalid("categories", f'"{key}" is not a category ({CATEGORY_NAMES})')
    return Category(key)


def _roles(value: Any, where: str) -> tuple[Role, ...]:
    if not isinstance(value, list):
        raise _Invalid(where, f"expected a list of roles such as [legal, exec] ({ROLE_NAMES})")
    if not value:
        raise _Invalid(where, "needs at least one role; every action must be approved by someone")
    roles: list[Role] = []
    for item in value:
        if item not in {role.value for role in Role}:
            raise _Invalid(where, f'"{item}" is not a role ({ROLE_NAMES})')
        if Role(item) in roles:
            raise _Invalid(where, f'"{item}" is listed twice')
        roles.append(Role(item))
    return tuple(roles)


def _phrases(value: Any) -> tuple[str, ...]:
    if not isinstance(value, list):
        raise _Invalid("fault_phrases", 'expected a list of phrases such as ["our fault"]')
    phrases: list[str] = []
    for item in value:
        if not isinstance(item, str) or not item.strip():
            raise _Invalid("fault_phrases", f"{item!r} is not a phrase (use non-empty text)")
        phrases.append(" ".join(item.split()))
    return tuple(phrases)

"""The people and facts of the seed crisis (../shared/seeds): a viral customer-service video."""

from __future__ import annotations

from dataclasses import dataclass

from app.roles.models import Role


@dataclass(frozen=True)
class Person:
    id: str
    handle: str
    name: str
    title: str
    role: Role | None = None
    is_admin: bool = False


MARIA = Person("U0MARIA", "maria", "Maria Rodriguez", "VP Communications", Role.LEAD)
ROBERT = Person("U0ROBERT", "robert", "Robert Chen", "CEO", Role.EXEC)
LISA = Person("U0LISA", "lisa", "Lisa Park", "CMO", Role.MARKETING)
DAVID = Person("U0DAVID", "david", "David Kim", "General Counsel", Role.LEGAL)
SARAH = Person("U0SARAH", "sarah", "Sarah Johnson", "Social Media Team Lead", Role.SOCIAL)
ALEX = Person("U0ALEX", "alex", "Alex Morgan", "Workspace admin", is_admin=True)
JORDAN = Person("U0JORDAN", "jordan", "Jordan Lee", "Customer-service manager")

PEOPLE = (MARIA, ROBERT, LISA, DAVID, SARAH, ALEX, JORDAN)
STANDING = tuple(p for p in PEOPLE if p.role is not None)

GENERAL = "general"
INCIDENT_TITLE = "Customer-service video going viral on TikTok"
INCIDENT_SUMMARY = (
    "A customer waited 3 hours on hold, the representative was unprofessional and nothing was "
    "resolved. The TikTok video has 2.7M views and climbing; sentiment is down 40% in two hours."
)

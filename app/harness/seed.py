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

APOLOGY_DRAFT = (
    "To everyone who saw the video: we are deeply sorry. This was our fault, and we were wrong "
    "to leave a customer on hold for three hours. We are refunding her in full and retraining "
    "our customer-service team this week."
)
APOLOGY_REVISED = (
    "To everyone who saw the video: we hear you, and we are sorry for the experience our "
    "customer had. Nobody should wait three hours for help. We have reached out to her "
    "personally, and we are retraining our customer-service team this week."
)
REFUND_DRAFT = "A full refund of her last order and a personal call from our head of customer care."
PAUSE_DRAFT = "Pause every paid social campaign now and move the budget to crisis response."
INFLUENCER_DRAFT = (
    "Activate five micro-influencers in our target demographic for positive messaging; first "
    "posts two hours after the CEO video."
)
LEGAL_CAUTION = (
    "No admissions of fault in public statements. Stick to empathy and commitment to improvement."
)
POSTS_LIVE = "Response posts are live across all platforms; the CEO video has 150K views."

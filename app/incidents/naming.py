"""Channel names for incidents: crisis-<yyyymmdd>-<slug>, valid for Slack whatever the title."""

from __future__ import annotations

from datetime import date

from slugify import slugify

MAX_NAME = 80
PREFIX = "crisis"
SUFFIX_ROOM = 4  # room for "-999" when the name is taken
FALLBACK_SLUG = "incident"


def title_slug(title: str, *, max_length: int) -> str:
    """Lowercase a-z0-9 words joined by hyphens; accents and other scripts transliterated."""
    slug = slugify(title, max_length=max_length, word_boundary=True, separator="-")
    if not slug:
        slug = slugify(title, max_length=max_length, separator="-")
    return slug or FALLBACK_SLUG


def channel_name(opened_on: date, title: str, *, attempt: int = 1) -> str:
    """The channel name for an incident; attempt > 1 gives the numbered variant for name_taken."""
    stem = f"{PREFIX}-{opened_on:%Y%m%d}-"
    slug = title_slug(title, max_length=MAX_NAME - len(stem) - SUFFIX_ROOM)
    name = stem + slug if attempt == 1 else f"{stem}{slug}-{attempt}"
    return name[:MAX_NAME]

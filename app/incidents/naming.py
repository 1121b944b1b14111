"""Channel names for incidents: crisis-<yyyymmdd>-<slug>, valid for Slack whatever the title.

Slack takes lowercase a-z, 0-9, hyphens and underscores, up to 80 characters. Other scripts are
transliterated by anyascii, which loads the table of each block of Unicode only when a title
uses it (python-slugify's transliteration, text-unidecode, held a 3.7 MB table for all of
Unicode in every process from its import on: the bot's largest single import, for one call per
incident).
"""

from __future__ import annotations

import re
import unicodedata
from datetime import date

from anyascii import anyascii

MAX_NAME = 80
PREFIX = "crisis"
SUFFIX_ROOM = 4  # room for "-999" when the name is taken
FALLBACK_SLUG = "incident"
_NOT_ALLOWED = re.compile(r"[^a-z0-9]+")
# Scripts written without spaces between words, whose characters transliterate to a syllable
# (or a word) each: kept apart, as a reader would say them.
_SYLLABLES = ("CJK UNIFIED IDEOGRAPH", "CJK COMPATIBILITY IDEOGRAPH", "HANGUL SYLLABLE")


def title_slug(title: str, *, max_length: int) -> str:
    """Lowercase a-z0-9 words joined by hyphens, cut at a word's end where one fits; accents
    and other scripts transliterated, emoji and other symbols dropped."""
    words = _NOT_ALLOWED.sub("-", _ascii(title).replace("'", "").lower()).strip("-")
    if len(words) <= max_length:
        return words or FALLBACK_SLUG
    cut = words[: max_length + 1].rsplit("-", 1)[0] if "-" in words[:max_length] else ""
    return cut or words[:max_length].strip("-") or FALLBACK_SLUG


def _ascii(title: str) -> str:
    # 🔥, ©, ™ and other symbols are not words of the title (dropped before NFKC makes ™ "TM")
    words = "".join(" " if _symbol(char) else char for char in title)
    return "".join(_transliterated(char) for char in unicodedata.normalize("NFKC", words))


def _symbol(char: str) -> bool:
    return not char.isascii() and unicodedata.category(char).startswith("S")


def _transliterated(char: str) -> str:
    if char.isascii():
        return char
    spoken = anyascii(char)
    return f" {spoken} " if unicodedata.name(char, "").startswith(_SYLLABLES) else spoken


def channel_name(opened_on: date, title: str, *, attempt: int = 1) -> str:
    """The channel name for an incident; attempt > 1 gives the numbered variant for name_taken."""
    stem = f"{PREFIX}-{opened_on:%Y%m%d}-"
    slug = title_slug(title, max_length=MAX_NAME - len(stem) - SUFFIX_ROOM)
    name = stem + slug if attempt == 1 else f"{stem}{slug}-{attempt}"
    return name[:MAX_NAME]

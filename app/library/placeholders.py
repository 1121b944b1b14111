"""Placeholders in a holding statement: `{customer}`, `{date}`, filled in a form when it is used.

Filling a placeholder is not an edit: the words approved in peacetime stay the same.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

PLACEHOLDER = re.compile(r"\{([A-Za-z][A-Za-z0-9_]{0,39})\}")
VALUE_MAX = 200


def names(*texts: str) -> list[str]:
    """Each placeholder's name, once, in the order it first appears."""
    found = (match.group(1) for text in texts for match in PLACEHOLDER.finditer(text))
    return list(dict.fromkeys(found))


def fill(text: str, values: Mapping[str, str]) -> str:
    """The text with every placeholder that has a value replaced by it (others left as typed)."""

    def value_of(match: re.Match[str]) -> str:
        return values.get(match.group(1), match.group(0))

    return PLACEHOLDER.sub(value_of, text)

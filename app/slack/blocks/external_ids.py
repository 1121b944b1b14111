"""Action and block ids of Legal's card about outside people in a SEV1 war room."""

from __future__ import annotations

EXTERNAL_TEXT = "external_access_text"  # the card's section block
EXTERNAL_ACTIONS = "external_access_actions"  # its actions block, while Legal has not decided
ALLOW = "external_access_allow"  # button; value: the ask's id
DECLINE = "external_access_decline"  # button; value: the ask's id

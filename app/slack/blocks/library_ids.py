"""Callback, action and block ids of the statement library's cards and forms."""

from __future__ import annotations

ENTRY_VIEW = "library_entry_view"  # add a statement, or change one
USE_VIEW = "library_use_view"  # propose a statement in a war room, placeholders filled
REASON_VIEW = "library_reason_view"  # why a version is rejected

KEY = "library_key"
KIND = "library_kind"
AUDIENCE = "library_audience"
TITLE = "library_title"
TEXT = "library_text"
REASON = "library_reason"
FILL = "library_fill__"  # + the placeholder's name

APPROVE = "library_approve"
REJECT = "library_reject"
DECIDE_BLOCK = "library_decide_"  # + the role
CARD_ORIGIN = "approval_library"  # on an action's card: the library statement it came from

"""Why a playbook file cannot be used: one line per mistake."""

from __future__ import annotations

from collections.abc import Sequence

from app.errors import CrisisError


class PlaybookError(CrisisError):
    """The playbook file has mistakes; `lines` holds one line per mistake, each naming the
    file, the place in it and what to write instead."""

    def __init__(self, lines: Sequence[str]) -> None:
        super().__init__("\n".join(lines))
        self.lines = tuple(lines)

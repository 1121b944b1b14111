"""A line diff between two wordings, as escaped mrkdwn in a code block."""

from __future__ import annotations

import difflib

from app.slack.blocks.text import ELLIPSIS, escape

FENCE = "```"


def text_diff(old: str, new: str, *, limit: int = 2000) -> str:
    """`- old line` / `+ new line` without file headers, escaped, cut at a line to fit."""
    diff = difflib.unified_diff(old.splitlines(), new.splitlines(), lineterm="", n=1)
    lines = [escape(line) for line in list(diff)[2:] if not line.startswith("@@")]
    body: list[str] = []
    used = len(FENCE) * 2 + 2
    for line in lines:
        if used + len(line) + 1 > limit - len(ELLIPSIS):
            body.append(ELLIPSIS)
            break
        body.append(line)
        used += len(line) + 1
    return FENCE + "\n" + "\n".join(body or ["(no change)"]) + "\n" + FENCE

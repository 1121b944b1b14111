"""On an action's card: the library statement it came from, and what that means for approval."""

from __future__ import annotations

from app.library.origin import Origin
from app.slack.blocks.library_diff import text_diff
from app.slack.blocks.text import mention, safe


def origin_text(origin: Origin, *, details: str, unchanged: bool, variants: bool = False) -> str:
    """Who pre-approved the words and when; unchanged (the action's own flag: a revision of the
    action clears it), or the diff against the library version. `variants`: the action carries
    audience variants, which the library did not approve."""
    source = f":books: From the library: *{safe(origin.key, 64)}* v{origin.version}"
    by = " and ".join(
        f"{approval.role} ({safe(approval.name, 80) if approval.name else mention(approval.by)})"
        for approval in origin.approvals
    )
    on = origin.approved_on.isoformat() if origin.approved_on else "an earlier date"
    lines = []
    if unchanged:
        lines.append(f"{source}, pre-approved by {by} on {on}, used unchanged.")
        lines.append("Only the lead's confirmation is needed.")
    else:
        lines.append(f"{source} (pre-approved by {by} on {on}), *edited*: it needs the full")
        lines[-1] += " approval. Changes against the library version:"
        if details == origin.text and variants:
            lines.append("_The words are the library's; the audience variants below are not._")
        elif origin.title != "" and details == origin.text:
            lines.append("_Only the title changed._")
        else:
            lines.append(text_diff(origin.text, details, limit=1500))
    if origin.values:
        values = origin.values.items()
        filled = "; ".join(f"`{{{safe(k, 40)}}}` = “{safe(v, 200)}”" for k, v in values)
        lines.append(f"*Filled in* (not an edit): {filled}")
    return "\n".join(lines)

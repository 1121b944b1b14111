"""The modal behind the brief's "Use a holding statement": the library's approved statements,
the incident's kind first; "Use" on one turns the modal into the fill-in form of
`/crisis propose --from-library <key>`."""

from __future__ import annotations

from collections.abc import Sequence

from slack_sdk.models.blocks import (
    Block,
    ButtonElement,
    ContextBlock,
    MarkdownTextObject,
    SectionBlock,
)
from slack_sdk.models.views import View

from app.library.queries import Listed
from app.slack.blocks import brief_ids as ids
from app.slack.blocks import forms
from app.slack.blocks.text import escape, safe

SHOWN = 40
NONE_APPROVED = (
    "The library has no approved holding statement yet. Lead or legal add one in peacetime "
    "with `/crisis library add`; Legal and the executives approve it before it can be used."
)
HINT = (
    "Used unchanged, a statement needs only the lead's confirmation; any edit to its words "
    "sends it through the full approval."
)


def approved_first_for(listed: Sequence[Listed], crisis_kind: str | None) -> list[Listed]:
    """The approved statements, those for `crisis_kind` first (otherwise in library order)."""
    usable = [item for item in listed if item.approved is not None]
    return sorted(usable, key=lambda item: item.entry.kind != crisis_kind)


def picker_modal(*, incident_id: int, statements: Sequence[Listed]) -> View:
    blocks: list[Block] = [_line(item) for item in statements[:SHOWN]]
    if not blocks:
        blocks.append(SectionBlock(text=escape(NONE_APPROVED)))
    else:
        blocks.append(ContextBlock(elements=[MarkdownTextObject(text=HINT)]))
    return View(
        type="modal",
        callback_id=ids.PICK_VIEW,
        title="Use a holding statement",
        close="Cancel",
        private_metadata=forms.dump(incident_id=incident_id),
        blocks=blocks,
    )


def _line(item: Listed) -> SectionBlock:
    entry, version = item.entry, item.approved
    assert version is not None
    head = f"*{safe(version.title, 200)}* · v{version.version} approved"
    where = f"`{escape(entry.key)}` · {escape(entry.kind)} · {escape(entry.audience)}"
    words = safe(version.text, 300).replace("\n", " ")
    return SectionBlock(
        block_id=f"{ids.PICK_BLOCK}{entry.key}",
        text=f"{head}\n{where}\n> {words}"[:3000],
        accessory=ButtonElement(action_id=ids.PICK_STATEMENT, text="Use", value=entry.key),
    )

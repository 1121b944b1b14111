"""The review form, the posted review, and the archive confirmation (pure builders)."""

from __future__ import annotations

from datetime import date
from typing import Any

from slack_sdk.models.blocks import (
    ActionsBlock,
    Block,
    ButtonElement,
    ConfirmObject,
    ContextBlock,
    DatePickerElement,
    HeaderBlock,
    InputBlock,
    MarkdownTextObject,
    PlainTextInputElement,
    SectionBlock,
    UserSelectElement,
)
from slack_sdk.models.views import View

from app.incidents.models import Incident
from app.metrics.review_figures import MetricFigures, Recovered
from app.metrics.values import shown
from app.review.figures import ReviewFigures, describe
from app.review.forms import FollowUp, ReviewForm
from app.review.models import TEXT_MAX
from app.slack import ids
from app.slack.blocks import forms
from app.slack.blocks.text import clip, escape, safe

FOLLOW_UPS = 3
FOLLOW_UP_MAX = 150


def figures_text(figures: ReviewFigures) -> str:
    turn = (
        "; ".join(
            f"{t.role} median {describe(t.median)}, worst {describe(t.worst)} ({t.decisions})"
            for t in figures.turnaround
        )
        or "no decisions"
    )
    updates = figures.updates
    return clip(
        f"*Figures from the record*\n"
        f"• Opening to first approved public statement: {describe(figures.to_first_statement)}\n"
        f"• Approval turnaround: {turn}\n"
        f"• Updates: {updates.on_time} on time, {updates.late} late, "
        f"{updates.escalated} escalated\n"
        f"• Approvals past their response time: {figures.stalls.stalls}, "
        f"{figures.stalls.escalated} escalated to a backup and the lead; backups asked "
        f"{figures.stalls.backups_asked}, used {figures.stalls.backups_used}\n"
        f"• {figures.messages} messages from {figures.participants} people"
        + "".join(f"\n• {metric_text(m)}" for m in figures.metrics),
        3000,
    )


def metric_text(figures: MetricFigures) -> str:
    """One line, e.g. `views: peak 2.7M, 2 h 00 min after opening; recovered 3 h 00 min
    after the first approved statement (views back within 10% of the first point)`."""
    peak = escape(shown(figures.peak, figures.unit))
    head = f"{escape(figures.metric)}: peak {peak}, {describe(figures.to_peak)} after opening; "
    rule = f" ({escape(figures.rule)})"
    if figures.recovered == Recovered.YES:
        after = describe(figures.to_recovery)
        return head + f"recovered {after} after the first approved statement{rule}"
    if figures.recovered == Recovered.NO_STATEMENT:
        return head + "recovery not measured: no approved public statement"
    return head + figures.recovered.value + (rule if figures.recovered == Recovered.NOT else "")


def _text(block_id: str, label: str, *, optional: bool, limit: int = TEXT_MAX) -> InputBlock:
    element = PlainTextInputElement(action_id=block_id, multiline=limit > 200, max_length=limit)
    return InputBlock(block_id=block_id, label=label, optional=optional, element=element)


def review_modal(incident: Incident, figures: ReviewFigures) -> View:
    blocks: list[Block] = [
        SectionBlock(block_id=ids.REVIEW_FIGURES, text=figures_text(figures)),
        _text(ids.REVIEW_WHAT, "What happened", optional=False),
        _text(ids.REVIEW_WELL, "What went well", optional=True),
        _text(ids.REVIEW_BADLY, "What did not go well", optional=True),
    ]
    for n in range(1, FOLLOW_UPS + 1):
        blocks += [
            _text(
                f"{ids.REVIEW_FOLLOW_UP}{n}", f"Follow-up {n}", optional=True, limit=FOLLOW_UP_MAX
            ),
            InputBlock(
                block_id=f"{ids.REVIEW_OWNER}{n}",
                label=f"Owner of follow-up {n}",
                optional=True,
                element=UserSelectElement(action_id=f"{ids.REVIEW_OWNER}{n}"),
            ),
            InputBlock(
                block_id=f"{ids.REVIEW_DUE}{n}",
                label=f"Due date of follow-up {n}",
                optional=True,
                element=DatePickerElement(action_id=f"{ids.REVIEW_DUE}{n}"),
            ),
        ]
    return View(
        type="modal",
        callback_id=ids.REVIEW_VIEW,
        title="Post-incident review",
        submit="Post review",
        close="Cancel",
        private_metadata=str(incident.id),
        blocks=blocks,
    )


def read_review_form(
    values: dict[str, Any], private_metadata: str | None
) -> tuple[ReviewForm | None, dict[str, str]]:
    """The form, or Slack's per-field errors (a follow-up needs an owner and a due date)."""
    text = {
        key: (forms.field(values, key).get("value") or "").strip()
        for key in (ids.REVIEW_WHAT, ids.REVIEW_WELL, ids.REVIEW_BADLY)
    }
    errors: dict[str, str] = {}
    if not text[ids.REVIEW_WHAT]:
        errors[ids.REVIEW_WHAT] = "Say briefly what happened."
    follow_ups: list[FollowUp] = []
    for n in range(1, FOLLOW_UPS + 1):
        title = (forms.field(values, f"{ids.REVIEW_FOLLOW_UP}{n}").get("value") or "").strip()
        owner = forms.field(values, f"{ids.REVIEW_OWNER}{n}").get("selected_user")
        due = forms.field(values, f"{ids.REVIEW_DUE}{n}").get("selected_date")
        if not title:
            continue
        if not owner:
            errors[f"{ids.REVIEW_OWNER}{n}"] = "Every follow-up needs an owner."
        if not due:
            errors[f"{ids.REVIEW_DUE}{n}"] = "Every follow-up needs a due date."
        if owner and due:
            follow_ups.append(FollowUp(title, owner, date.fromisoformat(due)))
    if errors or not (private_metadata or "").isdigit():
        return None, errors or {ids.REVIEW_WHAT: "This form is out of date; run /crisis review."}
    form = ReviewForm(
        int(private_metadata or 0),
        text[ids.REVIEW_WHAT],
        text[ids.REVIEW_WELL],
        text[ids.REVIEW_BADLY],
        tuple(follow_ups),
    )
    return form, {}


def review_blocks(
    incident: Incident, form: ReviewForm, figures: ReviewFigures, refs: list[str], by: str
) -> list[Block]:
    blocks: list[Block] = [
        HeaderBlock(text=clip(f"Review · {incident.ref} {incident.title}", 150)),
        SectionBlock(text=f"*What happened*\n{safe(form.what_happened, 2900)}"),
    ]
    if form.went_well:
        blocks.append(SectionBlock(text=f"*What went well*\n{safe(form.went_well, 2900)}"))
    if form.went_badly:
        blocks.append(SectionBlock(text=f"*What did not go well*\n{safe(form.went_badly, 2900)}"))
    if form.follow_ups:
        lines = [
            f"• *{ref}* {safe(f.title, FOLLOW_UP_MAX)}: <@{f.owner}>, due {f.due:%Y-%m-%d}"
            for ref, f in zip(refs, form.follow_ups, strict=True)
        ]
        blocks.append(SectionBlock(text="*Follow-ups*\n" + "\n".join(lines)))
    blocks.append(SectionBlock(text=figures_text(figures)))
    blocks.append(ContextBlock(elements=[MarkdownTextObject(text=f"Review by <@{by}>")]))
    return blocks


def archive_confirm_blocks(incident: Incident) -> list[Block]:
    return [
        SectionBlock(
            text=f"{incident.ref} has no review yet. Archive the war room anyway? "
            "The record stays complete and exportable."
        ),
        ActionsBlock(
            elements=[
                ButtonElement(
                    text="Archive without a review",
                    action_id=ids.ARCHIVE_CONFIRM,
                    value=str(incident.id),
                    style="danger",
                    confirm=ConfirmObject(
                        title="Archive the war room?",
                        text="Nobody can post in it afterwards.",
                        confirm="Archive",
                        deny="Back",
                    ),
                )
            ]
        ),
    ]

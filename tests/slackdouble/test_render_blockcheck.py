"""render_blocks / format_timeline output and Block Kit limit checks."""

from __future__ import annotations

from typing import Any

import pytest

from app.slackdouble import Visible, format_timeline, render_blocks
from app.slackdouble.blockcheck import message_block_errors, view_errors


def plain(text: str) -> dict[str, Any]:
    return {"type": "plain_text", "text": text}


def test_render_blocks_reads_like_slack() -> None:
    blocks = [
        {"type": "header", "text": plain("Sev1: data leak")},
        {
            "type": "section",
            "text": {
                "type": "mrkdwn",
                "text": "Lead <@U1> in <#C1|ops>, see <https://x.io|runbook>",
            },
            "fields": [{"type": "mrkdwn", "text": "*Status* &amp; owner"}],
        },
        {"type": "divider"},
        {"type": "context", "elements": [{"type": "mrkdwn", "text": "Updated <!here>"}]},
        {
            "type": "actions",
            "elements": [
                {"type": "button", "action_id": "a", "text": plain("Approve")},
                {"type": "button", "action_id": "r", "text": plain("Reject")},
            ],
        },
        {"type": "input", "label": plain("Statement"), "element": {"type": "plain_text_input"}},
        {
            "type": "rich_text",
            "elements": [
                {
                    "type": "rich_text_section",
                    "elements": [
                        {"type": "user", "user_id": "U1"},
                        {"type": "text", "text": " ok"},
                    ],
                }
            ],
        },
    ]
    rendered = render_blocks(blocks, users={"U1": "Maria Rodriguez"}, channels={"C1": "crisis"})
    assert rendered.splitlines() == [
        "== Sev1: data leak ==",
        "Lead @Maria Rodriguez in #crisis, see runbook",
        "  *Status* & owner",
        "-----",
        "Updated @here",
        "[Approve] [Reject]",
        "Statement: [...]",
        "@Maria Rodriguez ok",
    ]


def test_format_timeline_indents_text() -> None:
    entries = [
        Visible("post", "Crisis Room", "#crisis-acme", "line one\nline two", "1.1"),
        Visible("join", "Maria Rodriguez", "#crisis-acme", "", "1.2"),
    ]
    assert format_timeline(entries) == (
        "[#crisis-acme] Crisis Room:\n    line one\n    line two\n"
        "[#crisis-acme] Maria Rodriguez joined"
    )


def button(text: str = "Go", **extra: Any) -> dict[str, Any]:
    return {"type": "button", "action_id": "go", "text": plain(text), **extra}


@pytest.mark.parametrize(
    ("blocks", "pointer"),
    [
        ([{"type": "divider"}] * 51, "/blocks"),
        ([{"type": "section", "fields": [plain("f")] * 11}], "/blocks/0/fields"),
        ([{"type": "section", "fields": [plain("f" * 2001)]}], "/blocks/0/fields/0/text"),
        ([{"type": "header", "text": plain("h" * 151)}], "/blocks/0/text/text"),
        ([{"type": "actions", "elements": [button(value="v" * 2001)]}], "/elements/0/value"),
        ([{"type": "actions", "elements": [button()] * 26}], "/blocks/0/elements"),
        ([{"type": "context", "elements": [plain("c")] * 11}], "/blocks/0/elements"),
        ([{"type": "divider", "block_id": "b" * 256}], "/blocks/0/block_id"),
        ([{"type": "divider", "block_id": "x"}, {"type": "divider", "block_id": "x"}], "/1/"),
        ([{"type": "image", "image_url": "https://x/i.png"}], "/blocks/0/alt_text"),
        ([{"type": "section", "text": {"type": "mrkdwn", "text": ""}}], "/blocks/0/text/text"),
        ([{"type": "carousel"}], "/blocks/0/type"),
    ],
)
def test_message_block_limits(blocks: list[dict[str, Any]], pointer: str) -> None:
    errors = message_block_errors(blocks)
    assert errors, blocks
    assert any(pointer in error for error in errors), errors


def test_select_option_limits() -> None:
    options = [{"text": plain(f"o{i}"), "value": str(i)} for i in range(101)]
    select = {"type": "static_select", "action_id": "s", "options": options}
    errors = message_block_errors([{"type": "actions", "elements": [select]}])
    assert any("/elements/0/options" in e for e in errors)
    long_option = {
        "type": "static_select",
        "action_id": "s",
        "options": [{"text": plain("o" * 76), "value": "1"}],
    }
    errors = message_block_errors([{"type": "actions", "elements": [long_option]}])
    assert any("/options/0/text/text" in e for e in errors)


def test_view_limits() -> None:
    modal = {
        "type": "modal",
        "title": plain("T"),
        "submit": plain("s" * 25),
        "blocks": [
            {
                "type": "input",
                "label": plain("l" * 2001),
                "element": {"type": "plain_text_input", "action_id": "x", "max_length": 3001},
            }
        ],
    }
    errors = view_errors(modal)
    for pointer in ("/view/submit/text", "/view/blocks/0/label/text", "/element/max_length"):
        assert any(pointer in e for e in errors), (pointer, errors)
    assert view_errors({"type": "home", "blocks": [{"type": "divider"}] * 100}) == []
    assert view_errors({"type": "home", "blocks": [{"type": "divider"}] * 101})
    assert not view_errors({"type": "modal", "title": plain("ok"), "blocks": []})

"""Slack mrkdwn to plain text, and the escaping each format needs."""

from __future__ import annotations

from app.record.export.text import cell, markdown_escape, message_text, plain

NAMES = {"U0DAVID": "David Kim"}


def test_slack_tokens_are_spelled_out_and_other_brackets_left_alone() -> None:
    said = "<@U0DAVID> see <#C0WAR|crisis-room> and <https://ex.com|this> &lt;b&gt; <!here> <x>"
    assert (
        plain(said, NAMES) == "@David Kim see #crisis-room and this (https://ex.com) <b> @here <x>"
    )
    assert plain("<@U0NOBODY|nobody> <!subteam^S1|@comms>", NAMES) == "@nobody @comms"


def test_bot_cards_read_from_their_blocks() -> None:
    card = {
        "text": "fallback",
        "blocks": [
            {"type": "header", "text": {"type": "plain_text", "text": "INC-1 brief"}},
            {"type": "section", "fields": [{"type": "mrkdwn", "text": "*Lead* <@U0DAVID>"}]},
            {
                "type": "actions",
                "elements": [{"type": "button", "text": {"type": "plain_text", "text": "Approve"}}],
            },
        ],
    }
    assert message_text(card, NAMES) == "INC-1 brief\n*Lead* @David Kim\n[Approve]"
    typed = {"text": "hi", "blocks": [{"type": "rich_text", "elements": []}]}
    assert message_text(typed, NAMES) == "hi"


def test_csv_cells_that_look_like_formulas_become_text() -> None:
    assert [cell(v) for v in ["=1+1", "+1", "-1", "@SUM(A1)", "\tx", "ok", None, 3]] == [
        "'=1+1",
        "'+1",
        "'-1",
        "'@SUM(A1)",
        "'\tx",
        "ok",
        "",
        "3",
    ]


def test_markdown_escape_leaves_nothing_to_render() -> None:
    assert markdown_escape("<b>*x*</b> [a](b)") == r"&lt;b&gt;\*x\*&lt;/b&gt; \[a\]\(b\)"

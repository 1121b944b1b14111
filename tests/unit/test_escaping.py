"""Escaping user text for Slack, the usage lines, and the live-sequence finder."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from app.errors import BadCommand
from app.flows.incidents import topic_for
from app.incidents.models import Incident
from app.slack.blocks.brief import actions_text, brief_text
from app.slack.blocks.error_lines import error_line
from app.slack.blocks.help import help_blocks, help_text
from app.slack.blocks.roles import roles_blocks
from app.slack.blocks.text import escape, safe, unescape
from app.slack.commands.grammar import USAGE, USAGE_AS_TYPED
from app.slack.commands.parse import clip_word, parse
from app.slack.errors_text import explain
from app.slackdouble.mentions import (
    Allowed,
    Sent,
    call_texts,
    double_escaped,
    live_sequences,
)
from app.slackdouble.render import render_text
from app.updates.durations import parse_duration

HOSTILE = "<!channel> <!subteam^S1> <@U0BADGUY> <https://evil.example|x> & co"
NOBODY = Allowed()


def leaks(text: str, allowed: Allowed = NOBODY) -> list[str]:
    return [leak.sequence for leak in live_sequences([Sent("t", text)], allowed)]


def incident(title: str) -> Incident:
    return Incident(
        id=1,
        title=title,
        severity="SEV2",
        status="investigating",
        channel_id="C1",
        channel_name="crisis-x",
        opened_by="U0MARIA",
        opened_at=datetime(2026, 1, 1, tzinfo=UTC),
    )


def test_escape_makes_every_control_sequence_inert() -> None:
    escaped = escape(HOSTILE)
    assert escaped == (
        "&lt;!channel&gt; &lt;!subteam^S1&gt; &lt;@U0BADGUY&gt; "
        "&lt;https://evil.example|x&gt; &amp; co"
    )
    assert leaks(escaped) == []
    assert render_text(escaped) == HOSTILE


def test_escaping_twice_is_visible_and_unescape_is_the_inverse() -> None:
    assert escape(escape("<")) == "&amp;lt;"
    assert double_escaped([Sent("t", escape(escape("<b>")))])
    assert not double_escaped([Sent("t", escape("<b> & co"))])
    assert unescape(escape(HOSTILE)) == HOSTILE
    assert unescape("`/crisis open &lt;title&gt;`") == "/crisis open <title>"


@pytest.mark.parametrize("limit", range(1, 40))
def test_safe_never_cuts_an_entity_in_half(limit: int) -> None:
    shown = safe("<<&>>" * 10, limit)
    assert len(shown) <= limit
    assert "<" not in shown and ">" not in shown
    body = shown.removesuffix("…")
    assert body.count("&") == body.count(";")


def test_usage_lines_are_escaped_once_and_read_as_typed() -> None:
    assert USAGE.keys() == USAGE_AS_TYPED.keys()
    for name, line in USAGE.items():
        assert "<" not in line and ">" not in line and "&amp;" not in line, name
        assert unescape(line) == USAGE_AS_TYPED[name].replace("`", "")
    assert "`/crisis open &lt;title&gt;`" in USAGE["open"]
    assert "&lt;investigating|responding|monitoring&gt;" in USAGE["status"]


def test_help_shows_placeholders_as_typed() -> None:
    text = help_text()
    assert "&lt;title&gt;" in text and "<title>" not in text
    assert "`/crisis role add &lt;role&gt; @person … [--backup]`" in text
    assert leaks(text) == []
    section = help_blocks()[0].to_dict()
    assert render_text(section["text"]["text"]).count("<title>") == 3  # open, open --kind, propose


def test_other_placeholders_in_blocks_are_escaped() -> None:
    assert actions_text({}).endswith("`/crisis propose &lt;title&gt;`")
    context = roles_blocks({})[1].to_dict()["elements"][0]["text"]
    assert "`/crisis role add &lt;role&gt; @person`" in context


def test_what_a_person_typed_is_quoted_escaped() -> None:
    assert clip_word("<!channel>") == "&lt;!channel&gt;"
    assert clip_word("`x`") == "'x'"
    assert len(clip_word("<" * 100)) <= 30 and clip_word("<" * 100).endswith("&lt;…")
    with pytest.raises(BadCommand) as refused:
        parse("<!channel>")
    assert "`/crisis &lt;!channel&gt;`" in refused.value.message
    with pytest.raises(BadCommand) as refused:
        parse("role add <@U0X|<!here>> <@U0MARIA>")
    assert leaks(refused.value.message) == []
    with pytest.raises(BadCommand) as refused:
        parse_duration("<!here>")
    assert error_line(refused.value).startswith("`&lt;!here&gt;` is not a duration")
    assert unescape(refused.value.message).startswith("<!here> is not a duration")


def test_titles_reach_the_brief_text_topic_and_purpose_escaped() -> None:
    hostile = incident(HOSTILE)
    assert leaks(brief_text(hostile)) == []
    topic = topic_for(incident(HOSTILE * 10))
    assert len(topic) <= 250 and leaks(topic) == []
    assert topic.removesuffix("…").count("&") == topic.count(";")
    assert "&lt;!channel&gt;" in topic_for(hostile)


def test_unknown_slack_errors_are_quoted_escaped() -> None:
    assert explain("weird<!here>") == "Slack answered `weird&lt;!here&gt;`"


def test_the_finder_flags_every_live_sequence() -> None:
    text = (
        "<!channel> <!here|here> <!everyone> <!subteam^S1|@legal> <@U0BAD> <@W0BAD> "
        "<#C0SECRET|secret> <https://evil.example|x> <mailto:a@evil.example> <title>"
    )
    assert len(leaks(text)) == 10


def test_the_finder_allows_what_the_bot_means() -> None:
    allowed = Allowed(users={"U0MARIA"}, channels={"C1"}, link_prefixes=("https://files.ok/",))
    text = "<@U0MARIA> in <#C1> <!date^1700000000^{date_short}|2023> <https://files.ok/F1|record>"
    assert leaks(text, allowed) == []
    assert leaks("<@U0ROBERT> <#C2> <https://files.ok.evil/>", allowed) == [
        "<@U0ROBERT>",
        "<#C2>",
        "<https://files.ok.evil/>",
    ]


def test_the_finder_reads_every_field_slack_parses() -> None:
    args = {
        "text": "<!here>",
        "topic": "<!channel>",
        "blocks": [
            {"type": "section", "text": {"type": "mrkdwn", "text": "<@U1>"}},
            {"type": "section", "fields": [{"type": "mrkdwn", "text": "<#C1>"}]},
            {"type": "context", "elements": [{"type": "mrkdwn", "text": "<!everyone>"}]},
            {"type": "header", "text": {"type": "plain_text", "text": "<!channel> is fine"}},
        ],
        "attachments": [{"text": "<!subteam^S1>", "fields": [{"title": "t", "value": "<x>"}]}],
        "view": {"blocks": [{"type": "section", "text": {"type": "mrkdwn", "text": "<@U2>"}}]},
    }
    found = live_sequences(call_texts("chat.postMessage", args), NOBODY)
    assert sorted(leak.sequence for leak in found) == sorted(
        ["<!here>", "<!channel>", "<@U1>", "<#C1>", "<!everyone>", "<!subteam^S1>", "<x>", "<@U2>"]
    )
